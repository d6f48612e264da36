using TorchSharp;
using static TorchSharp.torch;

namespace AddMlp.Gpu;

/// <summary>
/// Per-epoch records kept on the training device — loss, validation loss, and for the linear model its
/// weights — so that recording an epoch never makes a GPU wait for the host. Read back in one copy. On the
/// CPU they are kept in managed arrays instead: there a tensor op per record costs more than the record, and
/// leaves garbage behind every epoch.
/// </summary>
/// <remarks>
/// The records live in chunks of <see cref="ChunkEpochs"/> epochs, made as epochs reach them and never
/// copied: a huge --epochs stopped early costs only what it used, and a long run leaves no outgrown
/// buffers behind with the allocator (growing one buffer by doubling did: docs/performance.md).
/// A resumed run's earlier epochs stay on the host as they were read (<see cref="ResumePoint"/>); the
/// chunks hold the epochs from where it resumed.
/// </remarks>
internal sealed class TrainingHistory : IDisposable
{
    private const int ChunkEpochs = 16_384;

    private readonly int _epochs, _start;
    private readonly (double[] Loss, double[]? ValLoss, double[]? WeightError) _before;
    private readonly bool _validation;
    private readonly FlatParameters _parameters;
    private readonly Device _device;
    private readonly ScalarType _dtype;
    private readonly List<Tensor> _loss = [], _valLoss = [];
    private readonly List<Tensor>? _weights; // [epochs, 3] per chunk: w0, w1, b after each epoch (linear model only)
    private readonly HostRecords? _host;      // on the CPU: the records, in managed arrays

    /// <param name="resumed">The run's records up to where it resumes, or null for a new run.</param>
    public TrainingHistory(int epochs, bool validation, FlatParameters parameters, Architecture architecture, Device device, ScalarType dtype, ResumePoint? resumed = null)
    {
        (_epochs, _validation, _parameters, _device, _dtype) = (epochs, validation, parameters, device, dtype);
        _start = resumed?.EpochsRun ?? 0;
        _before = resumed is null ? ([], validation ? [] : null, architecture.IsLinear ? [] : null) : (resumed.Losses, resumed.ValLosses, resumed.WeightErrors);
        _weights = architecture.IsLinear ? [] : null;
        if (device.type == DeviceType.CPU)
        {
            _host = HostRecords.For(parameters, dtype, validation, architecture.IsLinear);
            return;
        }
        AddChunk(); // the first, so that even a run stopped before its first epoch reads back well-shaped (empty) records
    }

    /// <summary>Stores one epoch's results, on the device. Call it under the training loop's dispose scope, which takes the views it makes.</summary>
    public void Record(int epoch, EpochOutcome outcome)
    {
        if (_host is not null)
        {
            _host.Record(epoch - _start, outcome.Loss(), outcome.ValLoss());
            return;
        }
        var (loss, valLoss) = outcome.Tensors!.Value;
        (int chunk, int row) = Math.DivRem(epoch - _start, ChunkEpochs);
        if (chunk == _loss.Count)
            AddChunk();
        using var noGrad = no_grad(); // the loss belongs to the step's graph; its value is all that is kept
        _loss[chunk][row].copy_(loss);
        if (valLoss is not null)
            _valLoss[chunk][row].copy_(valLoss);
        _weights?[chunk][row].copy_(_parameters.Values); // the linear model's buffer is [w0, w1, b]
    }

    /// <summary>The 0-based index of the first NaN or infinite loss in epochs [from, to) of those recorded here, or null.</summary>
    public int? FirstNonFinite(int from, int to)
    {
        if (_host is not null)
            return _host.FirstNonFinite(Math.Max(from, _start) - _start, to - _start) is int row ? _start + row : null;
        using var scope = NewDisposeScope();
        int first = Math.Max(from, _start) - _start;
        Tensor finite = Rows(_loss, first, to - _start - first).isfinite();
        if (finite.all().item<bool>())
            return null;
        return _start + first + (int)finite.logical_not().nonzero()[0, 0].item<long>();
    }

    /// <summary>The first <paramref name="epochs"/> records (a resumed run's earlier ones included), on the host.</summary>
    public (double[] Loss, double[]? ValLoss, double[]? WeightError) ToHost(int epochs)
    {
        var (loss, valLoss, weightError) = Slice(_start, epochs);
        return ([.. _before.Loss, .. loss], valLoss is null ? null : [.. _before.ValLoss!, .. valLoss], weightError is null ? null : [.. _before.WeightError!, .. weightError]);
    }

    /// <summary>The records of epochs [<paramref name="from"/>, <paramref name="to"/>) (0-based, from where this run started or resumed), on the host: one copy per series.</summary>
    public (double[] Loss, double[]? ValLoss, double[]? WeightError) Slice(int from, int to)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(from, _start);
        if (_host is not null)
        {
            var (loss, valLoss, weights) = _host.Slice(from - _start, to - from);
            return (loss, valLoss, weights is null ? null : InDType(ExactRule.Distances(weights)));
        }
        using var scope = NewDisposeScope();
        int first = from - _start, count = to - from;
        double[] Host(Tensor records) => records.numel() == 0 ? [] : records.to(float64).cpu().data<double>().ToArray(); // (TorchSharp cannot read an empty 2-d tensor)
        double[]? weightError = _weights is null ? null : InDType(ExactRule.Distances(Host(Rows(_weights, first, count)))); // every epoch at once, on the host
        return (Host(Rows(_loss, first, count)), _validation ? Host(Rows(_valLoss, first, count)) : null, weightError);
    }

    /// <summary>Values rounded to the run's dtype, as its files keep every series (so that a resumed run's records match).</summary>
    private double[] InDType(double[] values) =>
        _dtype == ScalarType.Float32 ? [.. values.Select(v => (double)(float)v)] : values;

    public void Dispose()
    {
        _host?.Dispose();
        foreach (Tensor chunk in _loss.Concat(_valLoss).Concat(_weights ?? []))
            chunk.Dispose();
    }

    /// <summary><paramref name="count"/> rows of the chunks from row <paramref name="first"/> on, as one tensor.</summary>
    private static Tensor Rows(List<Tensor> chunks, int first, int count)
    {
        if (count <= 0)
            return chunks[0].narrow(0, 0, 0); // the first chunk always exists, and gives the records' shape
        var parts = new List<Tensor>();
        for (int row = first, end = first + count; row < end;)
        {
            (int chunk, int offset) = Math.DivRem(row, ChunkEpochs);
            int take = Math.Min(end - row, ChunkEpochs - offset);
            parts.Add(chunks[chunk].narrow(0, offset, take));
            row += take;
        }
        return parts.Count == 1 ? parts[0] : cat(parts, 0);
    }

    /// <summary>
    /// Room for the next chunk of epochs, outside any dispose scope. Made with empty, not zeros: only
    /// recorded rows are ever read, and untouched pages cost no memory.
    /// </summary>
    private void AddChunk()
    {
        int size = Math.Max(0, Math.Min(ChunkEpochs, _epochs - _start - _loss.Count * ChunkEpochs));
        Tensor Make(params long[] shape) => empty(shape, dtype: _dtype, device: _device).DetachFromDisposeScope();
        _loss.Add(Make(size));
        if (_validation)
            _valLoss.Add(Make(size));
        _weights?.Add(Make(size, 3));
    }
}
