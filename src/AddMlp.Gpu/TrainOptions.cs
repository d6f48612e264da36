namespace AddMlp.Gpu;

/// <summary>Everything a training run depends on. The defaults are the tutorial's.</summary>
public sealed record TrainOptions
{
    public string Device { get; init; } = "auto";
    public double LearningRate { get; init; } = 0.1;
    public int Epochs { get; init; } = 500;
    public long Seed { get; init; } = 42;
    public int Samples { get; init; } = 1000;
    /// <summary>Report the loss every this many epochs (epoch 1, 1 + n, 1 + 2n, ...).</summary>
    public int LogEvery { get; init; } = 50;
    public Architecture Architecture { get; init; } = Architecture.Linear;
}
