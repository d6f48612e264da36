namespace AddMlp.Gpu;

/// <summary>The loss-curve file (format "addmlp-loss-curve", version 1): one training loss per epoch run.</summary>
public sealed record LossCurveDocument
{
    public const string FormatName = "addmlp-loss-curve";
    public const int CurrentVersion = 1;

    public string Format { get; init; } = FormatName;
    public int Version { get; init; } = CurrentVersion;
    public required string Device { get; init; }
    public required string Status { get; init; }
    public required int EpochsRun { get; init; }
    /// <summary>Epoch i's training loss (0-based), computed in its forward pass before its optimizer step.</summary>
    public required float[] Loss { get; init; }

    public static LossCurveDocument From(TrainResult result) => new()
    {
        Device = result.Device.Name,
        Status = result.Status.ToString().ToLowerInvariant(),
        EpochsRun = result.EpochsRun,
        Loss = result.Losses,
    };
}
