using System.Text.Json;
using System.Text.Json.Serialization;

namespace AddMlp.Gpu;

/// <summary>The JSON settings of every file addmlp writes: snake_case names, indented, floats in shortest round-trip form.</summary>
public static class Json
{
    /// <summary>Files nest four levels deep; anything deeper is not ours.</summary>
    public const int MaxDepth = 16;

    public static JsonSerializerOptions Options { get; } = new()
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
        Converters = { new InlineArrayConverter<double>(), new InlineArrayConverter<long>(), new ShortestDoubleConverter() },
        TypeInfoResolver = System.Text.Json.Serialization.Metadata.JsonTypeInfoResolver.Combine(
            AddMlpJsonContext.Default, new System.Text.Json.Serialization.Metadata.DefaultJsonTypeInfoResolver()),
    };
}
