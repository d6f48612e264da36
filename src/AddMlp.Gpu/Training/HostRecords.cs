using System.Numerics;
using static TorchSharp.torch;

namespace AddMlp.Gpu;

/// <summary>
/// <see cref="TrainingHistory"/>'s records of a run on the CPU, in managed arrays of the run's dtype (what
/// its files keep, in the least memory): chunks of <see cref="HostRecords{T}.ChunkEpochs"/> epochs, made as
/// epochs reach them and never copied. Recording an epoch allocates nothing: the parameters are read
/// through a <see cref="HostView{T}"/>.
/// </summary>
internal abstract class HostRecords : IDisposable
{
    public static HostRecords For(FlatParameters parameters, ScalarType dtype, bool validation, bool linear) => dtype == ScalarType.Float64
        ? new HostRecords<double>(parameters, validation, linear)
        : new HostRecords<float>(parameters, validation, linear);

    /// <summary>Records the epoch in <paramref name="row"/> (from where the run started or resumed), and the linear model's weights after it.</summary>
    public abstract void Record(int row, double loss, double? valLoss);

    /// <summary>The first row in [from, to) whose loss is NaN or infinite, or null.</summary>
    public abstract int? FirstNonFinite(int from, int to);

    /// <summary><paramref name="count"/> rows from <paramref name="first"/> on: the losses, the validation losses, and the weights (w0, w1, b per row).</summary>
    public abstract (double[] Loss, double[]? ValLoss, double[]? Weights) Slice(int first, int count);

    public abstract void Dispose();
}

/// <inheritdoc cref="HostRecords"/>
internal sealed class HostRecords<T> : HostRecords
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public const int ChunkEpochs = 16_384;

    private readonly List<T[]> _loss = [], _valLoss = [], _weights = [];
    private readonly bool _validation, _linear;
    private readonly HostView<T>? _parameters;

    public HostRecords(FlatParameters parameters, bool validation, bool linear)
    {
        (_validation, _linear) = (validation, linear);
        _parameters = linear ? new HostView<T>(parameters.Values) : null;
    }

    public override void Record(int row, double loss, double? valLoss)
    {
        (int chunk, int at) = Math.DivRem(row, ChunkEpochs);
        while (chunk >= _loss.Count)
        {
            _loss.Add(new T[ChunkEpochs]);
            if (_validation)
                _valLoss.Add(new T[ChunkEpochs]);
            if (_linear)
                _weights.Add(new T[3 * ChunkEpochs]);
        }
        _loss[chunk][at] = T.CreateTruncating(loss); // the step's value, in its own dtype: exact
        if (_validation)
            _valLoss[chunk][at] = T.CreateTruncating(valLoss!.Value);
        if (_linear)
            _parameters!.Span.CopyTo(_weights[chunk].AsSpan(3 * at, 3));
    }

    public override int? FirstNonFinite(int from, int to)
    {
        for (int row = from; row < to; row++)
        {
            if (!T.IsFinite(_loss[row / ChunkEpochs][row % ChunkEpochs]))
                return row;
        }
        return null;
    }

    public override (double[] Loss, double[]? ValLoss, double[]? Weights) Slice(int first, int count) =>
        (Rows(_loss, first, count, 1), _validation ? Rows(_valLoss, first, count, 1) : null, _linear ? Rows(_weights, first, count, 3) : null);

    private static double[] Rows(List<T[]> chunks, int first, int count, int width)
    {
        var rows = new double[width * Math.Max(0, count)];
        for (int row = first, end = first + count; row < end;)
        {
            (int chunk, int at) = Math.DivRem(row, ChunkEpochs);
            int take = Math.Min(end - row, ChunkEpochs - at);
            ReadOnlySpan<T> values = chunks[chunk].AsSpan(width * at, width * take);
            Span<double> target = rows.AsSpan(width * (row - first), width * take);
            for (int i = 0; i < values.Length; i++)
                target[i] = double.CreateTruncating(values[i]);
            row += take;
        }
        return rows;
    }

    public override void Dispose() => _parameters?.Dispose();
}
