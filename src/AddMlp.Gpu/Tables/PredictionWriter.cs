namespace AddMlp.Gpu;

/// <summary>How predictions are written to a file.</summary>
public enum PredictionFormat
{
    /// <summary>CSV with the header a,b,sum.</summary>
    Csv,

    /// <summary>Parquet with the double columns a, b and sum.</summary>
    Parquet,
}

/// <summary>Writes predictions as they are made, a batch at a time: a, b and the model's sum for each pair.</summary>
public abstract class PredictionWriter : IDisposable
{
    /// <summary>The column holding the model's output, after a and b.</summary>
    public const string SumColumn = "sum";

    /// <summary>Parquet for a name ending in .parquet or .pq (any case), else CSV.</summary>
    public static PredictionFormat FormatFor(string path) =>
        Path.GetExtension(path).ToLowerInvariant() is ".parquet" or ".pq" ? PredictionFormat.Parquet : PredictionFormat.Csv;

    /// <summary>A writer of <paramref name="format"/> to <paramref name="stream"/>, which it closes when disposed.</summary>
    public static PredictionWriter Create(Stream stream, PredictionFormat format) => format == PredictionFormat.Parquet
        ? new ParquetPredictions(stream)
        : new DelimitedPredictions(new StreamWriter(stream, new System.Text.UTF8Encoding(false), 1 << 16), withInputs: true);

    /// <summary>
    /// Writes one batch: <paramref name="pairs"/> holds a, b for each of <paramref name="sums"/>, and
    /// <paramref name="texts"/>, when it holds them, the text they were read from.
    /// </summary>
    public abstract void Write(ReadOnlySpan<double> pairs, ReadOnlySpan<double> sums, ValueTexts? texts = null);

    /// <summary>Writes what is still buffered (and a Parquet file's footer); the file is whole after it.</summary>
    public abstract void Complete();

    public abstract void Dispose();
}
