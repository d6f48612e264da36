using System.Text.Json;
using System.Text.Json.Serialization;

namespace AddMlp.Gpu;

/// <summary>An <see cref="InputRange"/> as the model file's training block writes it: [LO, HI].</summary>
internal sealed class InputRangePairConverter : JsonConverter<InputRange>
{
    public override InputRange Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        double[] ends = NumberArrayConverter<double>.ReadArray(ref reader);
        if (ends is not [double low, double high] || !(low < high) || !double.IsFinite(low) || !double.IsFinite(high))
            throw new JsonException("a range is [LO, HI] with finite LO below HI");
        return new InputRange(low, high);
    }

    public override void Write(Utf8JsonWriter writer, InputRange value, JsonSerializerOptions options) =>
        new NumberArrayConverter<double>().Write(writer, [value.Low, value.High], options);
}

/// <summary>An <see cref="InputRange"/> as reports write it: "LO:HI".</summary>
public sealed class InputRangeTextConverter : JsonConverter<InputRange>
{
    public override InputRange Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        InputRange.TryParse(reader.GetString() ?? "", out InputRange range, out string? problem) ? range : throw new JsonException(problem);

    public override void Write(Utf8JsonWriter writer, InputRange value, JsonSerializerOptions options) => writer.WriteStringValue(value.ToString());
}
