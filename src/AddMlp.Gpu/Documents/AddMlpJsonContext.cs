using System.Text.Json.Serialization;

namespace AddMlp.Gpu;

/// <summary>
/// Compile-time JSON metadata for addmlp's documents: reading and writing them then needs no
/// reflection, which takes tens of milliseconds the first time in a process (a visible share of a
/// short training run), and none is available under Native AOT, which scripts/addmlp builds.
/// </summary>
[JsonSerializable(typeof(ModelDocument))]
[JsonSerializable(typeof(TrainOptions))]
[JsonSerializable(typeof(TrainingOutcome))]
[JsonSerializable(typeof(LossCurveDocument))]
[JsonSerializable(typeof(TrainConfigDocument))]
[JsonSerializable(typeof(EnvironmentReport))]
[JsonSerializable(typeof(RangeError))]
[JsonSerializable(typeof(BenchRow))]
internal sealed partial class AddMlpJsonContext : JsonSerializerContext;
