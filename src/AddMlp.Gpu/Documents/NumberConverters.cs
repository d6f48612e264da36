using System.Buffers;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace AddMlp.Gpu;

/// <summary>
/// A double in <see cref="FloatText.Shortest"/> form (a float32 loss reads 1.3877788E-20, not
/// 1.3877788466974007E-20). NaN and infinities, which JSON lacks, are written as the strings "NaN",
/// "Infinity", "-Infinity".
/// </summary>
internal sealed class ShortestDoubleConverter : JsonConverter<double>
{
    public override double Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => ReadOne(ref reader);

    public override void Write(Utf8JsonWriter writer, double value, JsonSerializerOptions options)
    {
        Span<byte> text = stackalloc byte[MaxBytes];
        writer.WriteRawValue(text[..Write(value, text)], skipInputValidation: true);
    }

    /// <summary>The most bytes <see cref="Write(double, Span{byte})"/> takes.</summary>
    public const int MaxBytes = 34;

    /// <summary>The value's JSON as UTF-8 into <paramref name="into"/> (<see cref="MaxBytes"/> long): its bytes.</summary>
    public static int Write(double value, Span<byte> into)
    {
        bool quoted = !double.IsFinite(value);
        if (!FloatText.TryWriteShortest(value, quoted ? into[1..] : into, out int written))
            throw new InvalidOperationException("a double takes at most 32 bytes");
        if (!quoted)
            return written;
        into[0] = (byte)'"';
        into[written + 1] = (byte)'"';
        return written + 2;
    }

    public static double ReadOne(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.Number when reader.TryGetDouble(out double v) => v,
        JsonTokenType.String when FloatText.TryParse(reader.GetString(), out double v) => v,
        _ => throw new JsonException($"expected a number, found {reader.TokenType}"),
    };
}

/// <summary>
/// Number arrays on one line ("shape": [1, 2]), so that indented files stay readable; each double as
/// <see cref="ShortestDoubleConverter"/> writes it.
/// </summary>
internal sealed class NumberArrayConverter<T> : JsonConverter<T[]>
    where T : struct
{
    public override T[] Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => ReadArray(ref reader);

    public static T[] ReadArray(ref Utf8JsonReader reader)
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
        // Formatted straight to UTF-8, no string per number: a loss curve of a million epochs is three
        // such arrays, and strings for them cost ten times the file in memory while it was written.
        // Room for the longest numbers ("-1.2345678901234567E-308, ") at once: a buffer that grew by
        // doubling would leave its outgrown copies behind.
        var text = new ArrayBufferWriter<byte>(2 + value.Length * 26);
        text.Write("["u8);
        for (int i = 0; i < value.Length; i++)
        {
            if (i > 0)
                text.Write(", "u8);
            Span<byte> number = text.GetSpan(ShortestDoubleConverter.MaxBytes);
            int written = value[i] switch
            {
                double d => ShortestDoubleConverter.Write(d, number),
                long l => l.TryFormat(number, out int n, default, CultureInfo.InvariantCulture) ? n : throw new InvalidOperationException("a long takes at most 20 bytes"),
                _ => throw new NotSupportedException(typeof(T).Name),
            };
            text.Advance(written);
        }
        text.Write("]"u8);
        writer.WriteRawValue(text.WrittenSpan, skipInputValidation: true);
    }

    private static T ReadOne(ref Utf8JsonReader reader)
    {
        if (typeof(T) == typeof(double))
            return (T)(object)ShortestDoubleConverter.ReadOne(ref reader);
        if (typeof(T) == typeof(long) && reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out long l))
            return (T)(object)l;
        throw new JsonException($"expected a whole number, found {reader.TokenType}");
    }
}
