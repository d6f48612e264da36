namespace AddMlp.Gpu;

/// <summary>What a training run produced: the learned weights, every epoch's loss, and how it went.</summary>
public sealed record TrainResult
{
    public required TrainOptions Options { get; init; }
    public required ResolvedDevice Device { get; init; }
    public required TrainStatus Status { get; init; }
    public required int EpochsRun { get; init; }
    /// <summary>One value per epoch run: the loss of that epoch's forward pass, before its optimizer step.</summary>
    public required float[] Losses { get; init; }
    public required Dictionary<string, TensorData> StateDict { get; init; }
    public required TimeSpan Elapsed { get; init; }
    public required DateTimeOffset FinishedUtc { get; init; }

    public float FinalLoss => Losses.Length > 0 ? Losses[^1] : float.NaN;
}
