using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace AddMlp.Gpu;

/// <summary>
/// Writes number arrays on one line ("shape": [1, 2]) so that indented files stay readable, with
/// floats in shortest round-trip form (a value read back is bit-identical). NaN and infinities,
/// which JSON lacks, are written as the strings "NaN", "Infinity", "-Infinity".
/// </summary>
internal sealed class InlineArrayConverter<T> : JsonConverter<T[]>
    where T : struct, IFormattable
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
            text.Append(value[i] is float f && !float.IsFinite(f)
                ? $"\"{f.ToString(CultureInfo.InvariantCulture)}\""
                : value[i].ToString(null, CultureInfo.InvariantCulture));
        }
        writer.WriteRawValue(text.Append(']').ToString(), skipInputValidation: true);
    }

    private static T ReadOne(ref Utf8JsonReader reader)
    {
        if (typeof(T) == typeof(float))
        {
            float f = reader.TokenType switch
            {
                JsonTokenType.Number when reader.TryGetSingle(out float v) => v,
                JsonTokenType.String when float.TryParse(reader.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out float v) => v,
                _ => throw new JsonException($"expected a number, found {reader.TokenType}"),
            };
            return (T)(object)f;
        }
        if (typeof(T) == typeof(long) && reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out long l))
            return (T)(object)l;
        throw new JsonException($"expected a whole number, found {reader.TokenType}");
    }
}
