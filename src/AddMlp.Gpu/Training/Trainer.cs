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

    /// <summary>
    /// How often (in epochs) the trainer asks .NET for a full garbage collection. The tensors a step makes
    /// are freed by its dispose scope, but their managed wrappers (dozens a step) are garbage that the
    /// runtime's collector, Native AOT's in particular, let pile up in its older generations: a
    /// 150,000-epoch run's memory grew by a third before this (docs/performance.md). A full collection of
    /// this small heap takes well under a millisecond.
    /// </summary>
    public const int CollectGarbageEvery = 1000;

    /// <summary>The tutorial prints the loss every 50 epochs.</summary>
    public const int DefaultReportEvery = 50;

    /// <summary>
    /// Trains until all epochs ran, an epoch's loss reaches the target (TargetReached), the loss stops
    /// being finite (Diverged, cut back to the first such epoch) or <paramref name="cancellation"/> is
    /// signalled (Interrupted, after the current epoch). <paramref name="progress"/> hears of epoch 1,
    /// 1 + <paramref name="reportEvery"/>, 1 + 2 × <paramref name="reportEvery"/>, ...: how often is the
    /// caller's display choice and changes nothing about the run.
    /// </summary>
    public static TrainResult Train(TrainOptions options, IProgress<EpochLoss>? progress = null, int reportEvery = DefaultReportEvery, CancellationToken cancellation = default) =>
        Train(options, new TrainControl { Progress = progress, ReportEvery = reportEvery, Cancellation = cancellation });

    /// <summary>
    /// Trains as the other overload does, and besides: stops when <see cref="TrainControl.MaxTime"/> is up
    /// (TimeLimit), hands out checkpoints, or continues a run (<see cref="TrainControl.ResumeFrom"/>) exactly
    /// as if it had never stopped: on the same device, the same numbers as one uninterrupted run.
    /// </summary>
    public static TrainResult Train(TrainOptions options, TrainControl control)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(control.ReportEvery, 1);
        ResumePoint? resume = control.ResumeFrom;
        if (resume is not null)
            options = options with { Kernels = options.Kernels ?? resume.Options.Kernels }; // a resumed run computes as it began
        if (resume is not null && !ResumePoint.SameRun(resume.Options, options))
            throw new ArgumentException("a resumed run keeps its options, except " + string.Join(", ", ResumePoint.MayChange(resume.Options)), nameof(options));
        if (options.EarlyStop is not null && options.ValidationSamples == 0)
            throw new ArgumentException("early stopping watches the validation loss: give ValFraction too", nameof(options));
        if (resume?.Status == TrainStatus.EarlyStopped)
            throw new ArgumentException("the run stopped early, at its best epoch: there is nothing to continue", nameof(control));
        if (LearningRates.OneCycleProblem(options) is string oneCycle)
            throw new ArgumentException(oneCycle, nameof(options));
        if (resume is not null && resume.EpochsRun >= options.Epochs)
            throw new ArgumentException($"the run has already run {resume.EpochsRun} epochs; Epochs ({options.Epochs}) is the total and must be more", nameof(options));
        NativeRuntime.EnsureLoaded();
        int threads = ThreadsFor(options);
        set_num_threads(threads);
        ResolvedDevice device = KernelChoice.Device(options.Device, options.Kernels);
        Kernels kernels = KernelChoice.For(options.Kernels, device);
        MemoryEstimate.EnsureFits(options, device);
        Device target = device.Torch;
        ScalarType dtype = options.DType.ToTorch();
        var clock = Stopwatch.StartNew();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(control.Cancellation);
        if (control.MaxTime is TimeSpan limit)
            stop.CancelAfter(limit);

        // Same order as the tutorial, so that a seed gives PyTorch's data and initial weights: seed, data, model.
        manual_seed(options.Seed);
        if (device.IsCuda)
            cuda.manual_seed_all(options.Seed);
        var (xAll, yAll) = AdditionData.Create(options.Samples, options.Range, options.Noise);
        using Sequential model = AdderNet.Create(options.Architecture);

        // Then model and data move to the device (and dtype), the data laid out as the step's kernels take
        // it; made on the CPU, they are the same everywhere.
        model.to(dtype).to(target);
        using FlatParameters parameters = FlatParameters.Bind(model);
        using var step = new TrainingStep(model, parameters, options, kernels);
        using var data = TrainingSplit.Create(xAll, yAll, options.ValidationSamples, target, dtype, step.Layout);
        var (x, y, xVal, yVal) = (data.X, data.Y, data.ValX, data.ValY);
        using Generator? shuffle = options.BatchSize is null ? null : new Generator((ulong)options.Seed);
        using var history = new TrainingHistory(options.Epochs, xVal is not null, parameters, options.Architecture, target, dtype, resume);
        if (resume is not null)
            Restore(resume, options.Architecture, parameters, step.Optimizer, shuffle);
        using Minibatches? minibatch = options.BatchSize is int size ? new Minibatches(size, shuffle!, parameters) : null;
        using var best = options.EarlyStop is int patience ? new BestEpoch(patience, parameters, resume) : null;
        // A schedule's rates, each epoch's set before it runs and kept for the loss curve (a resumed run's too).
        using IEnumerator<EpochRate> schedule = LearningRates.Schedule(options).GetEnumerator();
        List<double>? rates = options.LrSchedule == LrSchedule.Constant ? null : [];
        for (int epoch = 0; rates is not null && epoch < (resume?.EpochsRun ?? 0) && schedule.MoveNext(); epoch++)
            rates.Add(schedule.Current.Lr);

        TrainResult Result(int epochsRun, TrainStatus status)
        {
            var (losses, valLosses, weightErrors) = history.ToHost(epochsRun);
            var (optimizerStep, buffers) = step.Optimizer.Export();
            using Tensor? generator = shuffle?.get_state();
            return new TrainResult
            {
                Options = options with { WeightDecay = options.EffectiveWeightDecay, Kernels = kernels },
                ThreadsUsed = threads,
                Device = device,
                Status = status,
                EpochsRun = epochsRun,
                Losses = losses,
                ValLosses = valLosses,
                WeightErrors = weightErrors,
                LearningRates = rates?.Take(epochsRun).ToArray(),
                StateDict = AdderNet.StateDict(model),
                State = new TrainingState { OptimizerStep = optimizerStep, OptimizerBuffers = buffers, ShuffleGenerator = generator?.bytes.ToArray(), BestWeights = best?.Weights() },
                BestEpoch = best?.Epoch,
                ResumedAt = resume?.EpochsRun ?? 0,
                Elapsed = clock.Elapsed,
                FinishedUtc = DateTimeOffset.UtcNow,
            };
        }

        int epochsRun = resume?.EpochsRun ?? 0, checkedUpTo = epochsRun, handedOutUpTo = epochsRun;
        void HandOutRecords()
        {
            if (control.OnRecords is null || epochsRun <= handedOutUpTo)
                return;
            var (losses, valLosses, weightErrors) = history.Slice(handedOutUpTo, epochsRun);
            int count = epochsRun - handedOutUpTo;
            double[] lrs = rates is null ? [.. Enumerable.Repeat(options.LearningRate, count)] : rates.GetRange(handedOutUpTo, count).ToArray();
            control.OnRecords(new EpochRecords(handedOutUpTo + 1, losses, valLosses, weightErrors, lrs));
            handedOutUpTo = epochsRun;
        }
        TrainStatus status = TrainStatus.Completed;
        for (int epoch = epochsRun; epoch < options.Epochs; epoch++)
        {
            if (stop.IsCancellationRequested)
            {
                status = Stopped(control);
                break;
            }
            if (epoch >= control.MaxEpochs)
            {
                status = TrainStatus.SizeLimit;
                break;
            }

            schedule.MoveNext();
            if (rates is not null)
                step.Optimizer.SetRate(schedule.Current);
            using var scope = NewDisposeScope();
            Tensor? loss = minibatch is not null ? minibatch.Epoch(step, x, y, stop.Token) : step.Run(x, y);
            if (loss is null)
            {
                status = Stopped(control); // mid-epoch: weights, optimizer and shuffling are back at the last whole epoch
                break;
            }
            Tensor? valLoss = xVal is null ? null : step.Loss(xVal, yVal!);
            history.Record(epoch, loss, valLoss);
            rates?.Add(schedule.Current.Lr);
            epochsRun = epoch + 1;

            bool logPoint = epoch % control.ReportEvery == 0;
            if (logPoint)
                control.Progress?.Report(new EpochLoss(epochsRun, loss.ToDouble(), valLoss?.ToDouble()));

            // NaN/inf is looked for in batches of epochs, so a GPU is not made to wait every epoch; and
            // always before a checkpoint, which must not save a diverged model.
            bool checkpoint = control.CheckpointEvery is int every && epochsRun % every == 0 && epochsRun < options.Epochs && control.OnCheckpoint is not null;
            if (logPoint || checkpoint || epochsRun % DivergenceCheckEvery == 0 || epochsRun == options.Epochs)
            {
                if (history.FirstNonFinite(checkedUpTo, epochsRun) is int bad)
                {
                    epochsRun = bad + 1;
                    status = TrainStatus.Diverged;
                    break;
                }
                checkedUpTo = epochsRun;
            }
            if (logPoint || checkpoint)
                HandOutRecords(); // after the NaN check: a log follows only finite epochs until the run ends
            if (epochsRun % CollectGarbageEvery == 0)
                GC.Collect(); // see CollectGarbageEvery

            // Asking for a target loss asks the host to read every epoch's loss.
            if (options.TargetLoss is double goal && loss.ToDouble() <= goal)
            {
                status = TrainStatus.TargetReached;
                break;
            }
            // Early stopping, too, asks the host to read every epoch's validation loss.
            if (best is not null && best.StopAfter(epoch, valLoss!.ToDouble()))
            {
                status = TrainStatus.EarlyStopped;
                break;
            }
            if (checkpoint)
                control.OnCheckpoint!(Result(epochsRun, TrainStatus.Checkpoint));
        }

        HandOutRecords();
        TrainResult result = Result(epochsRun, status);
        clock.Stop();
        return result with { Elapsed = clock.Elapsed };
    }

    /// <summary>Why the run stopped early: the caller's cancellation, else the time limit.</summary>
    private static TrainStatus Stopped(TrainControl control) =>
        control.Cancellation.IsCancellationRequested ? TrainStatus.Interrupted : TrainStatus.TimeLimit;

    /// <summary>Puts a new run's model, optimizer and shuffling where the resumed run left them.</summary>
    private static void Restore(ResumePoint resume, Architecture architecture, FlatParameters parameters, IStepOptimizer optimizer, Generator? shuffle)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        double[] values = [.. architecture.Parameters().SelectMany(p => resume.StateDict[p.Name].Values)]; // state_dict order, as FlatParameters lays them out
        parameters.Values.copy_(tensor(values, dtype: float64).to(parameters.Values.dtype).to(parameters.Values.device));
        optimizer.Restore(resume.State.OptimizerStep, resume.State.OptimizerBuffers);
        if (shuffle is not null)
        {
            byte[] state = resume.State.ShuffleGenerator ?? throw new ArgumentException("a minibatch run's resume point needs its shuffling generator's state");
            if (ResumePoint.ShuffleGeneratorProblem(state) is string problem)
                throw new ArgumentException($"the shuffling generator's state {problem}");
            Tensor bytes = empty(state.Length, dtype: ScalarType.Byte);
            bytes.bytes = state;
            shuffle.set_state(bytes);
        }
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

}

/// <summary>
/// Epochs in shuffled minibatches. A large epoch takes long, so a stop is heeded between batches: then
/// the weights, the optimizer and the shuffling generator are put back as they were at the epoch's start,
/// so that what is saved is the last whole epoch, and a run resumed from it goes on as if never stopped.
/// </summary>
internal sealed class Minibatches(int batch, Generator shuffle, FlatParameters parameters) : IDisposable
{
    private readonly Tensor _epochStart = zeros_like(parameters.Values).DetachFromDisposeScope();

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

    public void Dispose() => _epochStart.Dispose();
}

/// <summary>
/// Early stopping as PyTorch Lightning's EarlyStopping(monitor="val_loss", mode="min", min_delta=0) does
/// it: an epoch improves when its validation loss is strictly below the best so far; after
/// <c>patience</c> epochs without one the run stops, and the best epoch's weights are put back.
/// </summary>
internal sealed class BestEpoch : IDisposable
{
    private readonly int _patience;
    private readonly FlatParameters _parameters;
    private readonly Tensor _weights;
    private double _loss = double.PositiveInfinity;
    private int _epoch = -1; // 0-based

    public BestEpoch(int patience, FlatParameters parameters, ResumePoint? resume)
    {
        (_patience, _parameters) = (patience, parameters);
        _weights = parameters.Values.detach().clone().DetachFromDisposeScope();
        if (resume is null)
            return;
        // Where a resumed run stood: the best epoch is its validation history's first minimum, whose
        // weights the resume point keeps.
        double[] history = resume.ValLosses ?? throw new ArgumentException("early stopping needs the run's validation history");
        for (int epoch = 0; epoch < history.Length; epoch++)
        {
            if (history[epoch] < _loss)
                (_loss, _epoch) = (history[epoch], epoch);
        }
        double[] weights = resume.State.BestWeights ?? throw new ArgumentException("a resumed run with early stopping needs its best weights");
        using var scope = NewDisposeScope();
        using (no_grad())
            _weights.copy_(tensor(weights, dtype: float64).to(_weights.dtype).to(_weights.device));
    }

    /// <summary>The 1-based epoch whose weights are kept, or null before the first.</summary>
    public int? Epoch => _epoch < 0 ? null : _epoch + 1;

    /// <summary>The kept weights on the host, state_dict order.</summary>
    public double[] Weights()
    {
        using var scope = NewDisposeScope();
        return _weights.to(float64).cpu().data<double>().ToArray();
    }

    /// <summary>Takes in an epoch's validation loss; true when the run should stop (and then the best weights are back in place).</summary>
    public bool StopAfter(int epoch, double validationLoss)
    {
        using var noGrad = no_grad();
        if (validationLoss < _loss)
        {
            (_loss, _epoch) = (validationLoss, epoch);
            _weights.copy_(_parameters.Values);
            return false;
        }
        if (epoch - _epoch < _patience)
            return false;
        _parameters.Values.copy_(_weights);
        return true;
    }

    public void Dispose() => _weights.Dispose();
}

/// <summary>
/// Progress report for a 1-based epoch: its training loss (the forward pass before its optimizer step;
/// with minibatches, the sample-weighted mean over the epoch) and, with a validation split, the
/// validation loss after the epoch's updates.
/// </summary>
public sealed record EpochLoss(int Epoch, double Loss, double? ValLoss = null);
