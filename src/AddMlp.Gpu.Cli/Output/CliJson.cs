using System.Text.Json;
using System.Text.Json.Serialization;

namespace AddMlp.Gpu.Cli;

/// <summary>
/// The JSON the commands print (`--json`), with compile-time metadata like the files' (no reflection:
/// scripts/addmlp builds addmlp with Native AOT). Property names come from the snake_case policy.
/// </summary>
internal static class CliJson
{
    private static readonly JsonSerializerOptions Options = Json.Create(CliJsonContext.Default);
    private static readonly JsonSerializerOptions Compact = new(Options) { WriteIndented = false };

    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Options.TypeInfo<T>());

    /// <summary>`predict --json`: one compact line, names as written here, numbers as the text output prints them.</summary>
    public static string SerializePredictions(IReadOnlyList<PredictRow> rows) => JsonSerializer.Serialize(rows, Compact.TypeInfo<IReadOnlyList<PredictRow>>());
}

internal sealed record PredictRow([property: JsonPropertyName("a")] double A, [property: JsonPropertyName("b")] double B, [property: JsonPropertyName("sum")] double Sum);

internal sealed record EvalReportJson(
    string Model, IReadOnlyList<RangeError> Ranges, EvalDataJson? Data, double[]? Weights, double? Bias, double? DistanceToExactRule, bool ExactWithinTolerance, double Tolerance);

/// <summary>eval --input's figures: the model and the exact rule against the file's labels, and the model against the exact rule.</summary>
internal sealed record EvalDataJson(string File, long Rows, ErrorSummary Model, ErrorSummary ExactRule, ErrorSummary ModelFromExactRule);

internal sealed record LearnedJson(double[] Weight, double Bias, string Formula, double DistanceToExactRule);

internal sealed record LrFindJson(double? SuggestedLr, bool StoppedEarly, double[] Rates, double[] Losses, double[] Smoothed, string Plot);

internal sealed record FilesJson(string Model, string LossCurve, string? Plot, string? Tensorboard);

internal sealed record TrainSummaryJson(TrainingRecord? Training, Architecture Architecture, DType Dtype, LearnedJson? Learned, FilesJson Files);

[JsonSerializable(typeof(IReadOnlyList<PredictRow>))]
[JsonSerializable(typeof(EvalReportJson))]
[JsonSerializable(typeof(IReadOnlyList<BenchRow>))]
[JsonSerializable(typeof(TrainSummaryJson))]
[JsonSerializable(typeof(TrialFailure))]
[JsonSerializable(typeof(LrFindJson))]
[JsonSerializable(typeof(IReadOnlyList<TrialRow>))]
internal sealed partial class CliJsonContext : JsonSerializerContext;
