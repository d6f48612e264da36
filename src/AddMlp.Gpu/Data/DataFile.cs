using System.Security.Cryptography;
using System.Text.Json.Serialization;
using static TorchSharp.torch;

namespace AddMlp.Gpu;

/// <summary>
/// A file of measured rows a, b, y that a run trains on instead of generated pairs, as the model file
/// records it: the path as given, the row count and the SHA-256 of its bytes, by which a resumed or
/// repeated run knows it has the same data.
/// </summary>
public sealed record DataFile(
    [property: JsonPropertyName("path")] string Path,
    [property: JsonPropertyName("rows")] long Rows,
    [property: JsonPropertyName("sha256")] string Sha256)
{
    /// <summary>The most rows a run trains on (its sample count is an int).</summary>
    public const long MaxRows = int.MaxValue;

    /// <summary>Rows read at a time.</summary>
    private const int ChunkRows = 1 << 16;

    /// <summary>
    /// Reads the file through (every row checked, nothing kept: memory stays flat) and says what it is.
    /// Throws <see cref="DataFileException"/> for a file that is not rows of a, b, y.
    /// </summary>
    public static DataFile Identify(string path) => Read(path, keep: false).File;

    /// <summary>
    /// The rows as tensors on the CPU in float64: X [rows, 2] and y [rows, 1]. Throws
    /// <see cref="DataFileException"/> when the file is no longer the one identified.
    /// </summary>
    internal (Tensor X, Tensor Y) Load()
    {
        var (now, values) = Read(Path, keep: true);
        if (now.Sha256 != Sha256)
            throw new DataFileException(Path, null, $"has changed since the run was set up: it had {Rows} rows (SHA-256 {Sha256[..12]}...), it now has {now.Rows} (SHA-256 {now.Sha256[..12]}...)");
        using var scope = NewDisposeScope();
        Tensor all = tensor(values!, [Rows, 3]);
        Tensor x = all.narrow(1, 0, 2).contiguous(), y = all.narrow(1, 2, 1).contiguous();
        return (x.MoveToOuterDisposeScope(), y.MoveToOuterDisposeScope());
    }

    /// <summary>
    /// Reads the rows, hashing the bytes in the same pass (text), or before and after the reading (Parquet,
    /// which is read by seeking: a change meanwhile shows as two hashes).
    /// </summary>
    private static (DataFile File, double[]? Values) Read(string path, bool keep)
    {
        using FileStream file = NumberRows.OpenRegular(path);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        string? before = null;
        NumberRows rows;
        HashingStream? hashing = null;
        if (NumberRows.IsParquet(file))
        {
            before = Hash(file);
            rows = NumberRows.OpenParquet(file, path, RowShape.Labelled);
        }
        else
        {
            hashing = new HashingStream(file, hash);
            rows = NumberRows.OpenStream(hashing, path, RowShape.Labelled);
        }
        var chunks = new List<double[]>();
        using (rows)
        {
            var chunk = new double[3 * ChunkRows];
            int n;
            while ((n = rows.Read(chunk)) > 0)
            {
                if (rows.Rows > MaxRows)
                    throw new DataFileException(path, null, $"has more than {MaxRows} rows, the most a run trains on");
                if (keep)
                {
                    chunks.Add(n == ChunkRows ? chunk : chunk[..(3 * n)]);
                    chunk = new double[3 * ChunkRows];
                }
            }
            hashing?.Drain();
            long count = rows.Rows;
            string sha;
            if (before is not null)
            {
                sha = before;
                if (Hash(file) != before)
                    throw new DataFileException(path, null, "changed while it was read; read it again when nothing writes to it");
            }
            else
            {
                sha = Convert.ToHexStringLower(hash.GetHashAndReset());
            }
            double[]? values = keep ? [.. chunks.SelectMany(c => c)] : null;
            return (new DataFile(path, count, sha), values);
        }
    }

    private static string Hash(FileStream file)
    {
        file.Position = 0;
        string sha = Convert.ToHexStringLower(SHA256.HashData(file));
        file.Position = 0;
        return sha;
    }
}
