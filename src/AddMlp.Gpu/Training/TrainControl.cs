namespace AddMlp.Gpu;

/// <summary>
/// How a call to <see cref="Trainer.Train(TrainOptions, TrainControl)"/> runs, none of which changes
/// what the run computes: where progress goes, when to stop, when to hand out checkpoints, where to
/// continue from.
/// </summary>
public sealed record TrainControl
{
    /// <summary>Hears of epoch 1, 1 + <see cref="ReportEvery"/>, 1 + 2 × <see cref="ReportEvery"/>, ...</summary>
    public IProgress<EpochLoss>? Progress { get; init; }

    public int ReportEvery { get; init; } = Trainer.DefaultReportEvery;

    /// <summary>Stops the run after the current epoch (or minibatch): status Interrupted.</summary>
    public CancellationToken Cancellation { get; init; }

    /// <summary>Stops the run after the epoch (or minibatch) in which this much time has passed: status TimeLimit.</summary>
    public TimeSpan? MaxTime { get; init; }

    /// <summary>
    /// Stops the run after this many epochs in all, though its options ask for more: status SizeLimit. For
    /// a caller whose files hold the history and have a size limit (the CLI's: <see cref="ModelFile.MaxBytes"/>).
    /// </summary>
    public int? MaxEpochs { get; init; }

    /// <summary>Every this many epochs, <see cref="OnCheckpoint"/> gets the run so far (status Checkpoint), resumable.</summary>
    public int? CheckpointEvery { get; init; }

    /// <summary>Called on the training thread; training waits for it (a checkpoint written here is complete when the next epoch starts).</summary>
    public Action<TrainResult>? OnCheckpoint { get; init; }

    /// <summary>
    /// At every log point (epoch 1, 1 + <see cref="ReportEvery"/>, ...), at every checkpoint and when the
    /// run ends, the epochs since the last call: read from the device in one copy per series, so that a log
    /// (TensorBoard's, <see cref="TensorBoardLog"/>) follows the run without the device waiting every epoch.
    /// Called on the training thread; a resumed run starts after the epochs it resumed from.
    /// </summary>
    public Action<EpochRecords>? OnRecords { get; init; }

    /// <summary>Continue this run instead of starting one: the options must be the run's own, except <see cref="ResumePoint.MayChange(TrainOptions)"/>.</summary>
    public ResumePoint? ResumeFrom { get; init; }

    /// <summary>Signalled by <see cref="Cancellation"/>, or when <see cref="MaxTime"/> is up.</summary>
    internal CancellationTokenSource StopSignal()
    {
        var stop = CancellationTokenSource.CreateLinkedTokenSource(Cancellation);
        if (MaxTime is TimeSpan limit)
            stop.CancelAfter(limit);
        return stop;
    }

    /// <summary>Why the run stops before 0-based <paramref name="epoch"/>, or null when it goes on.</summary>
    internal TrainStatus? StopBefore(int epoch, CancellationTokenSource stop) =>
        stop.IsCancellationRequested ? Stopped() : epoch >= MaxEpochs ? TrainStatus.SizeLimit : null;

    /// <summary>Why a run stopped by its stop signal stopped: the caller's cancellation, else the time limit.</summary>
    internal TrainStatus Stopped() => Cancellation.IsCancellationRequested ? TrainStatus.Interrupted : TrainStatus.TimeLimit;

    /// <summary>Whether a checkpoint is due after <paramref name="epochsRun"/> of <paramref name="epochs"/> epochs (never after the last: the result follows).</summary>
    internal bool CheckpointDue(int epochsRun, int epochs) =>
        CheckpointEvery is int every && epochsRun % every == 0 && epochsRun < epochs && OnCheckpoint is not null;
}

/// <summary>
/// Consecutive epochs' records, from 1-based epoch <see cref="FirstEpoch"/> on, one value per epoch in each
/// series: as the loss curve has them (<see cref="LossCurveDocument"/>), and the learning rate each trained with.
/// </summary>
public sealed record EpochRecords(int FirstEpoch, double[] Loss, double[]? ValLoss, double[]? WeightError, double[] LearningRate)
{
    public int Count => Loss.Length;
}
