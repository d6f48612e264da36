using TorchSharp;
using static TorchSharp.torch;

namespace AddMlp.Gpu;

/// <summary>
/// Epochs in shuffled minibatches. A large epoch takes long, so a stop is heeded between batches: then
/// the weights, the optimizer and the shuffling generator are put back as they were at the epoch's start,
/// so that what is saved is the last whole epoch, and a run resumed from it goes on as if never stopped.
/// </summary>
internal sealed class Minibatches(int batch, Generator shuffle, FlatParameters parameters) : IDisposable
{
    private readonly Tensor _epochStart = zeros_like(parameters.Values).DetachFromDisposeScope();

    /// <summary>The run's minibatches, shuffled by a generator of their own seeded with the run's seed; null for a full-batch run.</summary>
    public static Minibatches? For(TrainOptions options, FlatParameters parameters) =>
        options.BatchSize is int size ? new Minibatches(size, new Generator((ulong)options.Seed), parameters) : null;

    /// <summary>The shuffling generator's state, which a resumed run starts from.</summary>
    public byte[] GeneratorState
    {
        get
        {
            using Tensor state = shuffle.get_state();
            return state.bytes.ToArray();
        }
        set
        {
            if (ResumePoint.ShuffleGeneratorProblem(value) is string problem)
                throw new ArgumentException($"the shuffling generator's state {problem}");
            using Tensor bytes = empty(value.Length, dtype: ScalarType.Byte);
            bytes.bytes = value;
            shuffle.set_state(bytes);
        }
    }

    /// <summary>One pass over the data; the sample-weighted mean loss, or null when stopped (and put back).</summary>
    public Tensor? Epoch(TrainingStep step, Tensor x, Tensor y, CancellationToken stop)
    {
        long n = step.Count(x);
        using Tensor shuffleState = shuffle.get_state();
        using (no_grad())
            _epochStart.copy_(parameters.Values);
        step.Optimizer.Mark();
        Tensor order = randperm(n, generator: shuffle).to(x.device);
        Tensor total = zeros(1, dtype: x.dtype, device: x.device);
        for (long start = 0; start < n; start += batch)
        {
            if (start > 0 && stop.IsCancellationRequested)
            {
                using (no_grad())
                    parameters.Values.copy_(_epochStart);
                step.Optimizer.Rewind();
                shuffle.set_state(shuffleState);
                return null;
            }
            using var scope = NewDisposeScope();
            long size = Math.Min(batch, n - start);
            Tensor rows = order.narrow(0, start, size);
            Tensor loss = step.Run(step.Select(x, rows), step.Select(y, rows));
            using (no_grad())
                total.add_(loss.mul(size));
        }
        return total.div_(n).squeeze();
    }

    public void Dispose()
    {
        _epochStart.Dispose();
        shuffle.Dispose();
    }
}
