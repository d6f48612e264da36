using System.Text.Json.Serialization;

namespace AddMlp.Gpu;

/// <summary>The loss-curve file (format "addmlp-loss-curve", version 1): per-epoch series of a run.</summary>
public sealed record LossCurveDocument : IAddMlpDocument<LossCurveDocument>
{
    public const string FormatName = "addmlp-loss-curve";
    public const int CurrentVersion = 1;

    public string Format { get; init; } = FormatName;
    public int Version { get; init; } = CurrentVersion;
    public required string Device { get; init; }
    /// <summary>The dtype the run computed in; the series are values of that type.</summary>
    public DType Dtype { get; init; } = DType.Float32;
    public required TrainStatus Status { get; init; }
    public required int EpochsRun { get; init; }
    /// <summary>Epoch i's training loss (0-based), computed in its forward pass before its optimizer step.</summary>
    public required double[] Loss { get; init; }
    /// <summary>With a validation split: epoch i's held-out loss after its updates.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double[]? ValLoss { get; init; }
    /// <summary>Linear model: distance of (w, b) after epoch i to the exact rule ([1, 1], 0).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double[]? WeightError { get; init; }
    /// <summary>With a learning-rate schedule: the rate epoch i trained with (a double, as PyTorch keeps it).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double[]? Lr { get; init; }

    static string IAddMlpDocument<LossCurveDocument>.ExpectedFormat => FormatName;
    static int IAddMlpDocument<LossCurveDocument>.OldestVersion => CurrentVersion;
    static int IAddMlpDocument<LossCurveDocument>.NewestVersion => CurrentVersion;
    static AddMlpFile IAddMlpDocument<LossCurveDocument>.Kind => AddMlpFile.LossCurve;

    public static LossCurveDocument From(TrainResult result) => new()
    {
        Device = result.Device.Name, Dtype = result.Options.DType, Status = result.Status, EpochsRun = result.EpochsRun,
        Loss = result.Losses, ValLoss = result.ValLosses, WeightError = result.WeightErrors, Lr = result.LearningRates,
    };

    /// <summary>Values of a float32 run exactly as the run computed them (the text holds float32's shortest form).</summary>
    LossCurveDocument IAddMlpDocument<LossCurveDocument>.Narrowed() => Dtype != DType.Float32 ? this : this with
    {
        Loss = FloatText.NarrowToFloat32(Loss),
        ValLoss = ValLoss is null ? null : FloatText.NarrowToFloat32(ValLoss),
        WeightError = WeightError is null ? null : FloatText.NarrowToFloat32(WeightError),
    };
}
