using System.Text.Json;
using System.Text.Json.Serialization;

namespace AddMlp.Gpu;

/// <summary>
/// The model file's "training" block: the options the run was given and how it went, enough to make
/// the weights again. One JSON object holds both records' fields side by side.
/// </summary>
[JsonConverter(typeof(TrainingRecordConverter))]
public sealed record TrainingRecord(TrainOptions Options, TrainingOutcome Outcome);

/// <summary>How a run went, as the model file records it.</summary>
public sealed record TrainingOutcome
{
    public required int EpochsRun { get; init; }
    /// <summary>The device the run used ("cpu", "cuda:0") and why.</summary>
    public required string Device { get; init; }
    public required string DeviceReason { get; init; }
    public required TrainStatus Status { get; init; }
    /// <summary>The last epoch's training loss (before its optimizer step).</summary>
    public required double FinalLoss { get; init; }
    public double? FinalValLoss { get; init; }
    /// <summary>Linear model: distance of the final (w, b) to the exact rule ([1, 1], 0).</summary>
    public double? WeightError { get; init; }
    /// <summary>With early stopping: the 1-based epoch whose weights the file holds (the best validation loss).</summary>
    public int? BestEpoch { get; init; }
    public required double ElapsedMs { get; init; }
    /// <summary>libtorch's CPU threads during the run (machine-dependent when not given as an option, like the time fields).</summary>
    public required int ThreadsUsed { get; init; }
    /// <summary>The addmlp that trained it (<see cref="ProductVersion"/>); null in files written before 3.0.0.</summary>
    public string? Addmlp { get; init; }
    public required string Torchsharp { get; init; }
    public required TorchBackend Backend { get; init; }
    public required DateTimeOffset FinishedUtc { get; init; }

    public static TrainingOutcome From(TrainResult result) => new()
    {
        EpochsRun = result.EpochsRun,
        Device = result.Device.Name,
        DeviceReason = result.Device.Reason,
        Status = result.Status,
        FinalLoss = result.FinalLoss,
        FinalValLoss = result.ValLosses is { Length: > 0 } val ? val[^1] : null,
        WeightError = result.WeightErrors is { Length: > 0 } err ? err[^1] : null,
        BestEpoch = result.BestEpoch,
        ElapsedMs = Math.Round(result.Elapsed.TotalMilliseconds, 3),
        ThreadsUsed = result.ThreadsUsed,
        Addmlp = ProductVersion.Current,
        Torchsharp = NativeRuntime.TorchSharpVersion,
        Backend = NativeRuntime.Backend,
        FinishedUtc = result.FinishedUtc,
    };
}

/// <summary>Writes a <see cref="TrainingRecord"/> as one flat object, and reads both halves from it.</summary>
public sealed class TrainingRecordConverter : JsonConverter<TrainingRecord>
{
    public override TrainingRecord Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
            throw new JsonException($"expected an object, found {reader.TokenType}");
        using JsonDocument block = JsonDocument.ParseValue(ref reader);
        TrainOptions? trainOptions = block.RootElement.Deserialize(options.TypeInfo<TrainOptions>());
        TrainingOutcome? outcome = block.RootElement.Deserialize(options.TypeInfo<TrainingOutcome>());
        return new TrainingRecord(trainOptions!, outcome!);
    }

    public override void Write(Utf8JsonWriter writer, TrainingRecord value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        WriteFields(writer, JsonSerializer.SerializeToElement(value.Options, options.TypeInfo<TrainOptions>()));
        WriteFields(writer, JsonSerializer.SerializeToElement(value.Outcome, options.TypeInfo<TrainingOutcome>()));
        writer.WriteEndObject();
    }

    /// <summary>Each field's value as its converter wrote it (number arrays stay on one line); an object's fields indented under it.</summary>
    private static void WriteFields(Utf8JsonWriter writer, JsonElement record)
    {
        foreach (JsonProperty field in record.EnumerateObject())
        {
            writer.WritePropertyName(field.Name);
            if (field.Value.ValueKind == JsonValueKind.Object)
                field.Value.WriteTo(writer);
            else
                writer.WriteRawValue(field.Value.GetRawText(), skipInputValidation: true);
        }
    }
}
