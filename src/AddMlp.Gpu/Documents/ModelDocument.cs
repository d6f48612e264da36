using System.Text.Json.Serialization;

namespace AddMlp.Gpu;

/// <summary>
/// The model file (format "addmlp-model"): architecture, weights by PyTorch name, training record and,
/// since version 2, the state that lets `train --resume` continue the run; since version 3, the kernels
/// the run computed with and the threads it used. Versions 1 and 2 are read too.
/// </summary>
public sealed record ModelDocument : IAddMlpDocument<ModelDocument>
{
    public const string FormatName = "addmlp-model";
    public const int CurrentVersion = 3;

    /// <summary>The first version whose runs this addmlp continues: earlier ones computed with other arithmetic (<see cref="Kernels"/>).</summary>
    public const int OldestResumableVersion = 3;

    public string Format { get; init; } = FormatName;
    public int Version { get; init; } = CurrentVersion;
    public required Architecture Architecture { get; init; }
    /// <summary>The dtype the network computes in.</summary>
    public DType Dtype { get; init; } = DType.Float32;
    public required Dictionary<string, TensorData> StateDict { get; init; }
    /// <summary>How the weights were made; null for a model imported from a PyTorch file.</summary>
    public TrainingRecord? Training { get; init; }
    /// <summary>What continuing the run needs besides the above (<see cref="ResumePoint"/>); null before version 2 and for imported models.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public ResumeRecord? Resume { get; init; }

    static string IAddMlpDocument<ModelDocument>.ExpectedFormat => FormatName;
    static int IAddMlpDocument<ModelDocument>.OldestVersion => 1;
    static int IAddMlpDocument<ModelDocument>.NewestVersion => CurrentVersion;
    static AddMlpFile IAddMlpDocument<ModelDocument>.Kind => AddMlpFile.Model;

    /// <summary>The model a finished run made, with its training record.</summary>
    public static ModelDocument From(TrainResult result) => new()
    {
        Architecture = result.Options.Architecture,
        Dtype = result.Options.DType,
        StateDict = result.StateDict,
        Training = new TrainingRecord(result.Options, TrainingOutcome.From(result)),
        Resume = ResumeRecord.From(result),
    };

    /// <summary>
    /// A float32 model's weights are written in float32's shortest form: narrowing recovers their exact
    /// bits. The training options get back the architecture and dtype the file keeps at its top level.
    /// </summary>
    ModelDocument IAddMlpDocument<ModelDocument>.Narrowed() => this with
    {
        StateDict = Dtype == DType.Float32
            ? StateDict.ToDictionary(p => p.Key, p => p.Value with { Values = FloatText.NarrowToFloat32(p.Value.Values) })
            : StateDict,
        Training = Training is null ? null : Training with { Options = Training.Options with { Architecture = Architecture, DType = Dtype } },
    };
}
