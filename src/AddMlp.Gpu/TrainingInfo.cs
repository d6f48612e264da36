namespace AddMlp.Gpu;

/// <summary>The model file's "training" block: how the weights were made, enough to make them again.</summary>
public sealed record TrainingInfo
{
    public required long Seed { get; init; }
    public required double Lr { get; init; }
    public required int Epochs { get; init; }
    public required int EpochsRun { get; init; }
    public required int Samples { get; init; }
    public required string Optimizer { get; init; }
    public required string Loss { get; init; }
    public required string DeviceRequested { get; init; }
    public required string Device { get; init; }
    public required string DeviceReason { get; init; }
    /// <summary>completed or interrupted.</summary>
    public required string Status { get; init; }
    /// <summary>The last epoch's training loss (before its optimizer step).</summary>
    public required float FinalLoss { get; init; }
    public required double ElapsedMs { get; init; }
    public required string Torchsharp { get; init; }
    public required string Backend { get; init; }
    public required DateTimeOffset FinishedUtc { get; init; }
}
