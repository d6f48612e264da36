using System.Text.Json.Serialization;

namespace AddMlp.Gpu;

/// <summary>
/// Compile-time JSON metadata for addmlp's documents: reading and writing them then needs no
/// reflection, which takes tens of milliseconds the first time in a process (a visible share of a
/// short training run). Other types fall back to reflection (see <see cref="Json.Options"/>).
/// </summary>
[JsonSerializable(typeof(ModelDocument))]
[JsonSerializable(typeof(LossCurveDocument))]
[JsonSerializable(typeof(EnvironmentReport))]
internal sealed partial class AddMlpJsonContext : JsonSerializerContext;
