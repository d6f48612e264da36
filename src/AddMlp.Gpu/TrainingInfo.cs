namespace AddMlp.Gpu;

/// <summary>The model file's "training" block: how the weights were made, enough to make them again.</summary>
public sealed record TrainingInfo
{
    public required long Seed { get; init; }
    public required double Lr { get; init; }
    public required int Epochs { get; init; }
    public required int EpochsRun { get; init; }
    public required int Samples { get; init; }
    /// <summary>Training inputs were uniform in [range[0], range[1]).</summary>
    public double[] Range { get; init; } = [0, 1];
    /// <summary>Standard deviation of the Gaussian noise on the training labels.</summary>
    public double Noise { get; init; }
    public required string Optimizer { get; init; }
    public double Momentum { get; init; }
    public double WeightDecay { get; init; }
    /// <summary>Minibatch size; null for full-batch training.</summary>
    public int? BatchSize { get; init; }
    public double ValFraction { get; init; }
    public double? TargetLoss { get; init; }
    public int? Threads { get; init; }
    public required string Loss { get; init; }
    public required string DeviceRequested { get; init; }
    public required string Device { get; init; }
    public required string DeviceReason { get; init; }
    /// <summary>completed, target_reached or interrupted.</summary>
    public required string Status { get; init; }
    /// <summary>The last epoch's training loss (before its optimizer step).</summary>
    public required double FinalLoss { get; init; }
    public double? FinalValLoss { get; init; }
    /// <summary>Linear model: distance of the final (w, b) to the exact rule ([1, 1], 0).</summary>
    public double? WeightError { get; init; }
    public required double ElapsedMs { get; init; }
    public required string Torchsharp { get; init; }
    public required string Backend { get; init; }
    public required DateTimeOffset FinishedUtc { get; init; }
}
