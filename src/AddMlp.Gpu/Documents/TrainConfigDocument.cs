namespace AddMlp.Gpu;

/// <summary>
/// A run's options as a file (format "addmlp-config", version 1): a model file without its weights and
/// outcome, so a model file can stand in for one. `train --print-config` writes it, `train --config` reads it.
/// </summary>
public sealed record TrainConfigDocument
{
    public const string FormatName = "addmlp-config";
    public const int CurrentVersion = 1;

    public string Format { get; init; } = FormatName;
    public int Version { get; init; } = CurrentVersion;
    public required Architecture Architecture { get; init; }
    public DType Dtype { get; init; } = DType.Float32;
    public required TrainOptions Training { get; init; }

    /// <summary>The options as a run records them: the weight decay's default resolved; kernels and threads, when not given, left to the machine that runs it.</summary>
    public static TrainConfigDocument From(TrainOptions options) => new()
    {
        Architecture = options.Architecture,
        Dtype = options.DType,
        Training = options with { WeightDecay = options.EffectiveWeightDecay },
    };
}
