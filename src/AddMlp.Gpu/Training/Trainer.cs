using System.Diagnostics;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AddMlp.Gpu;

/// <summary>
/// The tutorial's training loop: MSE, Adam (or AdamW, SGD), one dispose scope per step. The parameters
/// live in one flat buffer (<see cref="FlatParameters"/>) so the optimizer takes a few ops per step.
/// </summary>
/// <remarks>
/// Uses torch's global random generator, as PyTorch code does: two trainings running at the same time
/// in one process are not reproducible.
/// </remarks>
public static class Trainer
{
    /// <summary>How often (in epochs) the host looks for a NaN or infinite loss, besides every log point.</summary>
    public const int DivergenceCheckEvery = 25;

    /// <summary>
    /// Elements per op (samples × the widest layer) from which libtorch's CPU threads are worth having.
    /// Below it a second thread gained at most ~10% on an idle 2-core machine and lost x2 to x27 when
    /// another process held a core (libtorch's OpenMP threads spin waiting for a core they do not get):
    /// see docs/performance.md, "Beside a busy core".
    /// </summary>
    public const long ParallelWorkThreshold = 1_000_000;

    /// <summary>The tutorial prints the loss every 50 epochs.</summary>
    public const int DefaultReportEvery = 50;

    /// <summary>
    /// Trains until all epochs ran, an epoch's loss reaches the target (TargetReached), the loss stops
    /// being finite (Diverged, cut back to the first such epoch) or <paramref name="cancellation"/> is
    /// signalled (Interrupted, after the current epoch). <paramref name="progress"/> hears of epoch 1,
    /// 1 + <paramref name="reportEvery"/>, 1 + 2 × <paramref name="reportEvery"/>, ...: how often is the
    /// caller's display choice and changes nothing about the run.
    /// </summary>
    public static TrainResult Train(TrainOptions options, IProgress<EpochLoss>? progress = null, int reportEvery = DefaultReportEvery, CancellationToken cancellation = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(reportEvery, 1);
        NativeRuntime.EnsureLoaded();
        int threads = ThreadsFor(options);
        set_num_threads(threads);
        ResolvedDevice device = Devices.Resolve(options.Device);
        MemoryEstimate.EnsureFits(options, device);
        Device target = device.Torch;
        ScalarType dtype = options.DType.ToTorch();
        var clock = Stopwatch.StartNew();

        // Same order as the tutorial, so the CPU reproduces PyTorch's numbers: seed, data, model.
        manual_seed(options.Seed);
        if (device.IsCuda)
            cuda.manual_seed_all(options.Seed);
        var (xAll, yAll) = AdditionData.Create(options.Samples, options.Range, options.Noise);
        using Sequential model = AdderNet.Create(options.Architecture);

        // Then data and model move to the device (and dtype); made on the CPU, they are the same everywhere.
        using var data = TrainingSplit.Create(xAll, yAll, options.ValidationSamples, target, dtype);
        var (x, y, xVal, yVal) = (data.X, data.Y, data.ValX, data.ValY);
        model.to(dtype).to(target);
        using FlatParameters parameters = FlatParameters.Bind(model);
        using var optimizer = new StepOptimizer(parameters, options);
        using Generator? shuffle = options.BatchSize is null ? null : new Generator((ulong)options.Seed);
        using Tensor? epochStart = options.BatchSize is null ? null : zeros_like(parameters.Values); // see MinibatchEpoch
        using var history = new TrainingHistory(options.Epochs, xVal is not null, parameters, options.Architecture, target, dtype);

        int epochsRun = 0, checkedUpTo = 0;
        TrainStatus status = TrainStatus.Completed;
        for (int epoch = 0; epoch < options.Epochs; epoch++)
        {
            if (cancellation.IsCancellationRequested)
            {
                status = TrainStatus.Interrupted;
                break;
            }

            using var scope = NewDisposeScope();
            Tensor? loss = options.BatchSize is int batch
                ? MinibatchEpoch(model, parameters, optimizer, x, y, batch, shuffle!, epochStart!, cancellation)
                : Step(model, parameters, optimizer, x, y);
            if (loss is null)
            {
                status = TrainStatus.Interrupted; // mid-epoch: the weights are back at the last whole epoch
                break;
            }
            Tensor? valLoss = xVal is null ? null : ValidationLoss(model, xVal, yVal!);
            history.Record(epoch, loss, valLoss);
            epochsRun = epoch + 1;

            bool logPoint = epoch % reportEvery == 0;
            if (logPoint)
                progress?.Report(new EpochLoss(epochsRun, loss.ToDouble(), valLoss?.ToDouble()));

            // NaN/inf is looked for in batches of epochs, so a GPU is not made to wait every epoch.
            if (logPoint || epochsRun % DivergenceCheckEvery == 0 || epochsRun == options.Epochs)
            {
                if (history.FirstNonFinite(checkedUpTo, epochsRun) is int bad)
                {
                    epochsRun = bad + 1;
                    status = TrainStatus.Diverged;
                    break;
                }
                checkedUpTo = epochsRun;
            }

            // Asking for a target loss asks the host to read every epoch's loss.
            if (options.TargetLoss is double goal && loss.ToDouble() <= goal)
            {
                status = TrainStatus.TargetReached;
                break;
            }
        }

        var (losses, valLosses, weightErrors) = history.ToHost(epochsRun);
        Dictionary<string, TensorData> stateDict = AdderNet.StateDict(model);
        clock.Stop();

        return new TrainResult
        {
            Options = options with { WeightDecay = options.EffectiveWeightDecay, Threads = threads },
            Device = device,
            Status = status,
            EpochsRun = epochsRun,
            Losses = losses,
            ValLosses = valLosses,
            WeightErrors = weightErrors,
            StateDict = stateDict,
            Elapsed = clock.Elapsed,
            FinishedUtc = DateTimeOffset.UtcNow,
        };
    }

    /// <summary>
    /// The CPU threads a run uses: <see cref="TrainOptions.Threads"/> where given; else one when its ops are
    /// smaller than <see cref="ParallelWorkThreshold"/> elements, one per core otherwise (libtorch's own default).
    /// </summary>
    public static int ThreadsFor(TrainOptions options)
    {
        long elementsPerOp = options.TrainingSamples * (long)options.Architecture.LayerWidths.Max();
        return options.Threads ?? (elementsPerOp < ParallelWorkThreshold ? 1 : Environment.ProcessorCount);
    }

    /// <summary>
    /// One optimizer step on (x, y); returns the loss of its forward pass. The loss still belongs to the
    /// (spent) autograd graph: compute with it under no_grad, or detach it to keep it.
    /// </summary>
    internal static Tensor Step(Sequential model, FlatParameters parameters, StepOptimizer optimizer, Tensor x, Tensor y)
    {
        parameters.ZeroGrad();
        Tensor loss = nn.functional.mse_loss(model.forward(x), y);
        loss.backward();
        optimizer.Step();
        return loss;
    }

    /// <summary>
    /// One pass over the data in shuffled minibatches; returns the sample-weighted mean loss. A large epoch
    /// takes long, so <paramref name="cancellation"/> is heeded between batches: then the weights are put
    /// back as they were at the epoch's start (kept in <paramref name="epochStart"/>), so that what is saved
    /// is the model of the last whole epoch, and null is returned.
    /// </summary>
    private static Tensor? MinibatchEpoch(
        Sequential model, FlatParameters parameters, StepOptimizer optimizer, Tensor x, Tensor y, int batch, Generator shuffle, Tensor epochStart, CancellationToken cancellation)
    {
        long n = x.shape[0];
        Tensor order = randperm(n, generator: shuffle).to(x.device);
        Tensor total = zeros(1, dtype: x.dtype, device: x.device);
        using (no_grad())
            epochStart.copy_(parameters.Values);
        for (long start = 0; start < n; start += batch)
        {
            if (start > 0 && cancellation.IsCancellationRequested)
            {
                using (no_grad())
                    parameters.Values.copy_(epochStart);
                return null;
            }
            using var scope = NewDisposeScope();
            long size = Math.Min(batch, n - start);
            Tensor rows = order.narrow(0, start, size);
            Tensor loss = Step(model, parameters, optimizer, x.index_select(0, rows), y.index_select(0, rows));
            using (no_grad())
                total.add_(loss.mul(size));
        }
        return total.div_(n).squeeze();
    }

    private static Tensor ValidationLoss(Sequential model, Tensor x, Tensor y)
    {
        using var _ = no_grad();
        return nn.functional.mse_loss(model.forward(x), y);
    }
}

/// <summary>
/// Progress report for a 1-based epoch: its training loss (the forward pass before its optimizer step;
/// with minibatches, the sample-weighted mean over the epoch) and, with a validation split, the
/// validation loss after the epoch's updates.
/// </summary>
public sealed record EpochLoss(int Epoch, double Loss, double? ValLoss = null);
