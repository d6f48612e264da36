using System.Diagnostics;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AddMlp.Gpu;

/// <summary>
/// The tutorial's training loop: MSE (or another loss), Adam (or AdamW, SGD), one dispose scope per step. The parameters
/// live in one flat buffer (<see cref="FlatParameters"/>) so the optimizer takes a few ops per step.
/// </summary>
/// <remarks>
/// Uses torch's global random generator, as PyTorch code does: two trainings running at the same time
/// in one process are not reproducible.
/// </remarks>
public static class Trainer
{
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
    /// Throws <see cref="InvalidTrainOptionsException"/> for options with <see cref="TrainOptions.Problems"/>.
    /// </summary>
    public static TrainResult Train(TrainOptions options, TrainControl control)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(control.ReportEvery, 1);
        ResumePoint? resume = control.ResumeFrom;
        (options, ResolvedDevice device, Kernels kernels, int threads) = Prepare(options, resume);
        ScalarType dtype = options.DType.ToTorch();
        var clock = Stopwatch.StartNew();
        using CancellationTokenSource stop = control.StopSignal();

        // The tutorial's order, so that a seed gives PyTorch's data and initial weights: seed, data, model.
        Seed(options.Seed, device);
        var (xAll, yAll) = TrainingData.Create(options);
        using Sequential model = AdderNet.Create(options.Architecture);
        // Then model and data move to the device (and dtype), the data laid out as the step's kernels take it.
        model.to(dtype).to(device.Torch);
        using FlatParameters parameters = FlatParameters.Bind(model);
        using var step = new TrainingStep(model, parameters, options, kernels); // the loss, its gradients, the optimizer
        using TrainingSplit data = step.Split(xAll, yAll, options.ValidationSamples, device.Torch, dtype);
        using var history = new TrainingHistory(options.Epochs, data.ValX is not null, parameters, options.Architecture, device.Torch, dtype, resume);
        using Minibatches? minibatches = Minibatches.For(options, parameters);
        using EarlyStopping? earlyStopping = EarlyStopping.For(options, parameters, resume);
        using var rates = new ScheduledRates(options, step.Optimizer, resume?.EpochsRun ?? 0);
        if (resume is not null)
            Resumption.Restore(resume, options.Architecture, parameters, step.Optimizer, minibatches);
        var run = new RunRecorder(options, threads, device, model, step.Optimizer, history, rates, minibatches, earlyStopping, resume, clock);
        int epochsRun = resume?.EpochsRun ?? 0;
        var divergence = new DivergenceWatch(history, epochsRun);
        var records = new RecordHandout(control.OnRecords, history, rates, epochsRun);

        TrainStatus status = TrainStatus.Completed;
        for (int epoch = epochsRun; epoch < options.Epochs; epoch++)
        {
            if (control.StopBefore(epoch, stop) is TrainStatus stopped)
            {
                status = stopped;
                break;
            }
            rates.Begin();
            // A full-batch epoch the step runs on the host makes no tensor, so it needs no dispose scope (nor leaves one as garbage).
            using DisposeScope? scope = minibatches is null && step.RunsOnHost(data) ? null : NewDisposeScope();
            EpochOutcome outcome;
            if (scope is null)
            {
                outcome = step.RunOnHost(data);
            }
            else
            {
                Tensor? loss = minibatches is null ? step.Run(data.X, data.Y) : minibatches.Epoch(step, data.X, data.Y, stop.Token);
                if (loss is null)
                {
                    status = control.Stopped(); // mid-epoch: weights, optimizer and shuffling are back at the last whole epoch
                    break;
                }
                outcome = new EpochOutcome(loss, data.ValX is null ? null : step.Loss(data.ValX, data.ValY!));
            }
            history.Record(epoch, outcome);
            rates.Completed();
            epochsRun = epoch + 1;

            bool logPoint = epoch % control.ReportEvery == 0, checkpoint = control.CheckpointDue(epochsRun, options.Epochs);
            if (logPoint)
                control.Progress?.Report(new EpochLoss(epochsRun, outcome.Loss(), outcome.ValLoss()));
            if (DivergenceWatch.Due(epochsRun, logPoint || checkpoint || epochsRun == options.Epochs) && divergence.Diverged(epochsRun) is int kept)
            {
                (epochsRun, status) = (kept, TrainStatus.Diverged);
                break;
            }
            if (logPoint || checkpoint)
                records.HandOut(epochsRun); // after the divergence watch: a log follows only finite epochs until the run ends
            if (epochsRun % CollectGarbageEvery == 0)
                GC.Collect(); // see CollectGarbageEvery
            if (Finished(options, outcome, earlyStopping, epoch) is TrainStatus finished)
            {
                status = finished;
                break;
            }
            if (checkpoint)
                control.OnCheckpoint!(run.Result(epochsRun, TrainStatus.Checkpoint));
        }
        records.HandOut(epochsRun);
        TrainResult result = run.Result(epochsRun, status);
        clock.Stop();
        return result with { Elapsed = clock.Elapsed };
    }

    /// <summary>
    /// The options the run goes on with (checked; a resumed run's kernels unless others are asked for, and the
    /// kernels the device takes), its device and its CPU threads, set; libtorch loaded and the memory checked.
    /// </summary>
    private static (TrainOptions, ResolvedDevice, Kernels, int) Prepare(TrainOptions options, ResumePoint? resume)
    {
        options.Validate();
        if (resume is not null)
            options = Resumption.Options(options, resume);
        NativeRuntime.EnsureLoaded();
        int threads = ThreadsFor(options);
        set_num_threads(threads);
        ResolvedDevice device = KernelChoice.Device(options.Device, options.Kernels);
        Kernels kernels = KernelChoice.For(options.Kernels, device);
        MemoryEstimate.EnsureFits(options, device);
        return (options with { Kernels = kernels }, device, kernels, threads);
    }

    /// <summary>Seeds torch's generators as the tutorial does (manual_seed seeds the CPU's alone: a GPU's too).</summary>
    internal static void Seed(long seed, ResolvedDevice device)
    {
        manual_seed(seed);
        if (device.IsCuda)
            cuda.manual_seed_all(seed);
    }

    /// <summary>Whether the epoch just run ends the run: its loss reached the target, or the validation loss stopped improving. Both read the epoch's loss on the host.</summary>
    private static TrainStatus? Finished(TrainOptions options, EpochOutcome outcome, EarlyStopping? earlyStopping, int epoch)
    {
        if (options.TargetLoss is double goal && outcome.Loss() <= goal)
            return TrainStatus.TargetReached;
        if (earlyStopping is not null && earlyStopping.StopAfter(epoch, outcome.ValLoss()!.Value))
            return TrainStatus.EarlyStopped;
        return null;
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
