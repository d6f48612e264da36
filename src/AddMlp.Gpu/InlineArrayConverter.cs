using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace AddMlp.Gpu;

/// <summary>
/// Writes number arrays on one line ("shape": [1, 2]) so that indented files stay readable.
/// A double that is exactly a float32 (every value of a float32 model) is written in float32's
/// shortest round-trip form (0.99999994, not 0.9999999403953552), any other in double's; read back
/// and narrowed to its dtype, every value is bit-identical. NaN and infinities, which JSON lacks, are
/// written as the strings "NaN", "Infinity", "-Infinity".
/// </summary>
internal sealed class InlineArrayConverter<T> : JsonConverter<T[]>
    where T : struct
{
    public override T[] Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
            throw new JsonException($"expected an array of numbers, found {reader.TokenType}");
        var values = new List<T>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            values.Add(ReadOne(ref reader));
        return [.. values];
    }

    public override void Write(Utf8JsonWriter writer, T[] value, JsonSerializerOptions options)
    {
        var text = new StringBuilder("[");
        for (int i = 0; i < value.Length; i++)
        {
            if (i > 0)
                text.Append(", ");
            text.Append(value[i] switch
            {
                double d => Format(d),
                long l => l.ToString(CultureInfo.InvariantCulture),
                _ => throw new NotSupportedException(typeof(T).Name),
            });
        }
        writer.WriteRawValue(text.Append(']').ToString(), skipInputValidation: true);
    }

    /// <summary>Shortest text that reads back to <paramref name="value"/> (or to the float32 it exactly is).</summary>
    public static string Format(double value)
    {
        if (!double.IsFinite(value))
            return $"\"{value.ToString(CultureInfo.InvariantCulture)}\"";
        float single = (float)value;
        return single == value
            ? single.ToString(CultureInfo.InvariantCulture)
            : value.ToString(CultureInfo.InvariantCulture);
    }

    private static T ReadOne(ref Utf8JsonReader reader)
    {
        if (typeof(T) == typeof(double))
        {
            double d = reader.TokenType switch
            {
                JsonTokenType.Number when reader.TryGetDouble(out double v) => v,
                JsonTokenType.String when double.TryParse(reader.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out double v) => v,
                _ => throw new JsonException($"expected a number, found {reader.TokenType}"),
            };
            return (T)(object)d;
        }
        if (typeof(T) == typeof(long) && reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out long l))
            return (T)(object)l;
        throw new JsonException($"expected a whole number, found {reader.TokenType}");
    }
}
