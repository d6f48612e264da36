using System.Buffers.Binary;
using System.Numerics;

namespace AddMlp.Gpu.Tests;

/// <summary>
/// Reads TensorBoard event files as TensorBoard does: TFRecord framing — the data's length (uint64), the
/// masked CRC-32C of those 8 bytes, the data, the masked CRC-32C of the data — each record's data an
/// Event (TorchSharp's generated tensorboard.Event), the first one the file version.
/// </summary>
public static class TensorBoardEvents
{
    /// <summary>Every event in the file, in order; fails on a torn record or a wrong checksum.</summary>
    public static List<Tensorboard.Event> Read(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        var events = new List<Tensorboard.Event>();
        for (int at = 0; at < bytes.Length;)
        {
            Assert.True(bytes.Length - at >= 12, $"{path}: a torn record header at byte {at}");
            ulong length = BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(at));
            Assert.Equal(Masked(Crc32C(bytes.AsSpan(at, 8))), BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(at + 8)));
            Assert.True((ulong)(bytes.Length - at - 16) >= length, $"{path}: a torn record at byte {at}");
            ReadOnlySpan<byte> data = bytes.AsSpan(at + 12, (int)length);
            Assert.Equal(Masked(Crc32C(data)), BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(at + 12 + (int)length)));
            events.Add(Tensorboard.Event.Parser.ParseFrom(data.ToArray())); // TorchSharp's generated code parses from arrays and streams, not spans
            at += 16 + (int)length;
        }
        return events;
    }

    /// <summary>Every scalar in the files of <paramref name="directory"/>: tag -> (step -> value); fails on a step logged twice.</summary>
    public static Dictionary<string, SortedDictionary<long, float>> Scalars(string directory)
    {
        var scalars = new Dictionary<string, SortedDictionary<long, float>>();
        foreach (string file in Directory.GetFiles(directory, "events.out.tfevents.*"))
        {
            List<Tensorboard.Event> events = Read(file);
            Assert.True(events.Count > 0, $"{file}: no events (yet)"); // the writer makes the file before its first record
            Assert.Equal("brain.Event:2", events[0].FileVersion);
            foreach (Tensorboard.Event e in events.Skip(1))
            {
                foreach (Tensorboard.Summary.Types.Value value in e.Summary.Value)
                {
                    SortedDictionary<long, float> series = scalars.TryGetValue(value.Tag, out var s) ? s : scalars[value.Tag] = [];
                    Assert.True(series.TryAdd(e.Step, value.SimpleValue), $"'{value.Tag}' logged twice at step {e.Step}");
                }
            }
        }
        return scalars;
    }

    private static uint Crc32C(ReadOnlySpan<byte> data)
    {
        uint crc = ~0u;
        foreach (byte b in data)
            crc = BitOperations.Crc32C(crc, b);
        return ~crc;
    }

    private static uint Masked(uint crc) => ((crc >> 15) | (crc << 17)) + 0xa282ead8;
}
