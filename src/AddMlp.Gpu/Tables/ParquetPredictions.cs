using Parquet;
using Parquet.Schema;

namespace AddMlp.Gpu;

/// <summary>Predictions as a Parquet file written by Parquet.Net: the double columns a, b and sum, one row group per batch.</summary>
internal sealed class ParquetPredictions : PredictionWriter
{
    private static readonly DataField A = new DataField<double>("a"), B = new DataField<double>("b"), Sum = new DataField<double>(SumColumn);

    private readonly Stream _stream;
    private readonly ParquetWriter _writer;
    private bool _completed;

    public ParquetPredictions(Stream stream)
    {
        _stream = stream;
        _writer = ParquetWriter.CreateAsync(new ParquetSchema(A, B, Sum), stream).GetAwaiter().GetResult();
    }

    public override void Write(ReadOnlySpan<double> pairs, ReadOnlySpan<double> sums, ValueTexts? texts = null)
    {
        if (sums.IsEmpty)
            return;
        var a = new double[sums.Length];
        var b = new double[sums.Length];
        for (int i = 0; i < sums.Length; i++)
        {
            a[i] = pairs[2 * i];
            b[i] = pairs[2 * i + 1];
        }
        using ParquetRowGroupWriter group = _writer.CreateRowGroup();
        group.WriteAsync(A, (ReadOnlyMemory<double>)a).GetAwaiter().GetResult();
        group.WriteAsync(B, (ReadOnlyMemory<double>)b).GetAwaiter().GetResult();
        group.WriteAsync(Sum, (ReadOnlyMemory<double>)sums.ToArray()).GetAwaiter().GetResult();
    }

    /// <summary>Writes the footer (Parquet.Net writes it when the writer is disposed) and flushes.</summary>
    public override void Complete()
    {
        _completed = true;
        _writer.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _stream.Flush();
    }

    public override void Dispose()
    {
        if (!_completed)
        {
            try
            {
                _writer.DisposeAsync().AsTask().GetAwaiter().GetResult();
            }
            catch (IOException)
            {
                // a file that failed part-way: the caller discards it
            }
        }
        _stream.Dispose();
    }
}
