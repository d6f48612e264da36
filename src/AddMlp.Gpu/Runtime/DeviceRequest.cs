using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace AddMlp.Gpu;

/// <summary>Where a run is asked to go, before it is resolved (<see cref="Devices.Resolve"/>).</summary>
public enum DeviceKind
{
    /// <summary>CUDA when available, else the CPU.</summary>
    Auto,
    Cpu,
    Cuda,
}

/// <summary>
/// A device as asked for: auto, cpu, cuda or cuda:N (written so in files and on the command line).
/// Parsed once, here; everything else works with the parsed value.
/// </summary>
[JsonConverter(typeof(DeviceRequestConverter))]
public readonly record struct DeviceRequest
{
    /// <summary>The highest GPU index a request may name.</summary>
    public const int MaxIndex = 999;

    private DeviceRequest(DeviceKind kind, int? index) => (Kind, Index) = (kind, index);

    public DeviceKind Kind { get; }

    /// <summary>The GPU's index for cuda:N; null for "cuda" (the first GPU) and the other kinds.</summary>
    public int? Index { get; }

    /// <summary>The default value is <see cref="Auto"/>.</summary>
    public static DeviceRequest Auto => default;
    public static DeviceRequest Cpu { get; } = new(DeviceKind.Cpu, null);
    public static DeviceRequest Cuda { get; } = new(DeviceKind.Cuda, null);

    public static DeviceRequest CudaDevice(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(index, MaxIndex);
        return new(DeviceKind.Cuda, index);
    }

    /// <summary>Whether a GPU was asked for by name (cuda or cuda:N), not left to <see cref="Auto"/>.</summary>
    public bool IsCuda => Kind == DeviceKind.Cuda;

    /// <summary>The names a request may take: offered by tab completion.</summary>
    public static IReadOnlyList<string> Names { get; } = ["auto", "cpu", "cuda"];

    public static bool TryParse(string? text, out DeviceRequest request)
    {
        DeviceRequest? parsed = text switch
        {
            "auto" => Auto,
            "cpu" => Cpu,
            "cuda" => Cuda,
            ['c', 'u', 'd', 'a', ':', .. string digits] when digits.Length is >= 1 and <= 3 && digits.All(char.IsAsciiDigit)
                => new DeviceRequest(DeviceKind.Cuda, int.Parse(digits, NumberStyles.None, CultureInfo.InvariantCulture)),
            _ => null,
        };
        request = parsed ?? Auto;
        return parsed is not null;
    }

    /// <summary>Parses a request; <see cref="FormatException"/> naming the forms allowed when it is none of them.</summary>
    public static DeviceRequest Parse(string text) =>
        TryParse(text, out DeviceRequest request) ? request : throw new FormatException($"'{text}' is not one of auto, cpu, cuda, cuda:N");

    public override string ToString() => Kind switch
    {
        DeviceKind.Auto => "auto",
        DeviceKind.Cpu => "cpu",
        _ => Index is int index ? $"cuda:{index}" : "cuda",
    };
}

/// <summary>Reads and writes a <see cref="DeviceRequest"/> as its name.</summary>
internal sealed class DeviceRequestConverter : JsonConverter<DeviceRequest>
{
    public override DeviceRequest Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.String && DeviceRequest.TryParse(reader.GetString(), out DeviceRequest request)
            ? request
            : throw new JsonException("not one of auto, cpu, cuda, cuda:N");

    public override void Write(Utf8JsonWriter writer, DeviceRequest value, JsonSerializerOptions options) => writer.WriteStringValue(value.ToString());
}
