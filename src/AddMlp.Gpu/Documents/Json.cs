using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace AddMlp.Gpu;

/// <summary>The JSON settings of every file addmlp writes: snake_case names, indented, floats in shortest round-trip form.</summary>
public static class Json
{
    /// <summary>Files nest four levels deep; anything deeper is not ours.</summary>
    public const int MaxDepth = 16;

    /// <summary>The options for addmlp's own documents (<see cref="AddMlpJsonContext"/>).</summary>
    public static JsonSerializerOptions Options { get; } = Create();

    /// <summary>
    /// addmlp's settings over its documents' source-generated metadata and the given contexts'. Only
    /// types they name can be read or written: no reflection, so the same code runs under Native AOT.
    /// </summary>
    public static JsonSerializerOptions Create(params IJsonTypeInfoResolver[] resolvers) => new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DictionaryKeyPolicy = null, // state_dict keys stay as PyTorch names them ("0.weight")
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping, // files are read by people too: no \u002B for +
        MaxDepth = MaxDepth,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip,
        Converters =
        {
            new NumberArrayConverter<double>(), new NumberArrayConverter<long>(), new ShortestDoubleConverter(),
            new EnumNameConverter<DType>(), new EnumNameConverter<Activation>(), new EnumNameConverter<Optimizer>(), new EnumNameConverter<LrSchedule>(),
            new EnumNameConverter<TrainStatus>(), new EnumNameConverter<ExportFormat>(), new EnumNameConverter<Kernels>(), new EnumNameConverter<TorchBackend>(),
            new EnumNameConverter<LossFunction>(),
        },
        TypeInfoResolver = JsonTypeInfoResolver.Combine([.. resolvers, AddMlpJsonContext.Default]),
    };

    /// <summary>The metadata <paramref name="options"/> hold for <typeparamref name="T"/>.</summary>
    public static JsonTypeInfo<T> TypeInfo<T>(this JsonSerializerOptions options) => (JsonTypeInfo<T>)options.GetTypeInfo(typeof(T));
}
