using System.Buffers.Binary;
using System.Text.Json;

namespace AddMlp.Gpu;

/// <summary>
/// Checks a .safetensors file's header before any tensor is read: the header length within the file,
/// every tensor's dtype and shape agreeing with its byte range, every range inside the data and none
/// overlapping another. TorchSharp.PyBridge trusts the header; a hostile one would make it read other
/// bytes as weights, or allocate gigabytes.
/// </summary>
internal static class SafetensorsHeader
{
    /// <summary>Far above the header of any adder; a longer one is refused before it is read.</summary>
    private const long MaxHeaderBytes = 16L << 20;

    private static readonly Dictionary<string, int> DTypeSizes = new()
    {
        ["F64"] = 8, ["F32"] = 4, ["F16"] = 2, ["BF16"] = 2, ["I64"] = 8, ["I32"] = 4, ["I16"] = 2, ["I8"] = 1, ["U8"] = 1, ["BOOL"] = 1,
    };

    /// <summary>Null when the header is sound; otherwise what is wrong with it.</summary>
    public static string? Problem(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        Span<byte> prefix = stackalloc byte[8];
        if (stream.ReadAtLeast(prefix, 8, throwOnEndOfStream: false) < 8)
            return "it is shorter than a safetensors header";
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
        if (headerLength < 2 || headerLength > (ulong)Math.Max(0, stream.Length - 8) || headerLength > MaxHeaderBytes)
            return $"its header length ({headerLength} bytes) does not fit in the file's {stream.Length} bytes";
        var header = new byte[headerLength];
        stream.ReadExactly(header);
        long dataLength = stream.Length - 8 - (long)headerLength;

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(header, new JsonDocumentOptions { MaxDepth = Json.MaxDepth });
        }
        catch (JsonException)
        {
            return "its header is not JSON";
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                return "its header is not a JSON object";
            var ranges = new List<(long Begin, long End, string Name)>();
            foreach (JsonProperty tensor in document.RootElement.EnumerateObject())
            {
                if (tensor.Name == "__metadata__")
                    continue;
                if (TensorProblem(tensor, dataLength, out long begin, out long end) is string problem)
                    return $"tensor '{tensor.Name}': {problem}";
                ranges.Add((begin, end, tensor.Name));
            }
            ranges.Sort((a, b) => a.Begin.CompareTo(b.Begin));
            for (int i = 1; i < ranges.Count; i++)
            {
                if (ranges[i].Begin < ranges[i - 1].End)
                    return $"tensors '{ranges[i - 1].Name}' and '{ranges[i].Name}' overlap";
            }
        }
        return null;
    }

    private static string? TensorProblem(JsonProperty tensor, long dataLength, out long begin, out long end)
    {
        (begin, end) = (0, 0);
        JsonElement value = tensor.Value;
        if (value.ValueKind != JsonValueKind.Object
            || !value.TryGetProperty("dtype", out JsonElement dtype) || dtype.ValueKind != JsonValueKind.String
            || !value.TryGetProperty("shape", out JsonElement shape) || shape.ValueKind != JsonValueKind.Array
            || !value.TryGetProperty("data_offsets", out JsonElement offsets) || offsets.ValueKind != JsonValueKind.Array || offsets.GetArrayLength() != 2)
            return "needs dtype, shape and data_offsets [begin, end]";
        if (!DTypeSizes.TryGetValue(dtype.GetString()!, out int size))
            return $"dtype '{dtype.GetString()}' is not a number type";
        long bytes = size;
        foreach (JsonElement dim in shape.EnumerateArray())
        {
            if (dim.ValueKind != JsonValueKind.Number || !dim.TryGetInt64(out long d) || d < 0 || d > dataLength)
                return "its shape holds something other than sizes within the data";
            bytes = d == 0 ? 0 : (bytes > dataLength / d ? long.MaxValue : bytes * d);
        }
        if (!offsets[0].TryGetInt64(out begin) || !offsets[1].TryGetInt64(out end) || begin < 0 || end < begin || end > dataLength)
            return $"data_offsets lie outside the {dataLength} bytes of data";
        if (end - begin != bytes)
            return $"its shape and dtype need {(bytes == long.MaxValue ? "more" : bytes.ToString(System.Globalization.CultureInfo.InvariantCulture))} bytes, its data_offsets give {end - begin}";
        return null;
    }
}
