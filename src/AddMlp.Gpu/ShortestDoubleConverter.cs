using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace AddMlp.Gpu;

/// <summary>
/// Writes a double as <see cref="InlineArrayConverter{T}"/> writes each array element: float32's
/// shortest form when it is exactly a float32 (a float32 loss reads 1.3877788E-20, not
/// 1.3877788466974007E-20), else double's; NaN and infinities as strings.
/// </summary>
internal sealed class ShortestDoubleConverter : JsonConverter<double>
{
    public override double Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.TokenType switch
    {
        JsonTokenType.Number when reader.TryGetDouble(out double v) => v,
        JsonTokenType.String when double.TryParse(reader.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out double v) => v,
        _ => throw new JsonException($"expected a number, found {reader.TokenType}"),
    };

    public override void Write(Utf8JsonWriter writer, double value, JsonSerializerOptions options) =>
        writer.WriteRawValue(InlineArrayConverter<double>.Format(value), skipInputValidation: true);
}
