namespace AddMlp.Gpu;

/// <summary>What a training run produced: the learned weights, every epoch's loss, and how it went.</summary>
public sealed record TrainResult
{
    /// <summary>The options the run was given, its defaults resolved (<see cref="TrainOptions.WeightDecay"/>, <see cref="TrainOptions.Kernels"/>).</summary>
    public required TrainOptions Options { get; init; }
    public required ResolvedDevice Device { get; init; }
    /// <summary>libtorch's CPU threads during the run: <see cref="TrainOptions.Threads"/>, or <see cref="Trainer.ThreadsFor"/>'s choice for this machine.</summary>
    public required int ThreadsUsed { get; init; }
    public required TrainStatus Status { get; init; }
    public required int EpochsRun { get; init; }
    /// <summary>One value per epoch run: the loss of that epoch's forward pass(es), before its optimizer step(s).</summary>
    public required double[] Losses { get; init; }
    /// <summary>One value per epoch run with a validation split: the held-out loss after the epoch's updates; else null.</summary>
    public required double[]? ValLosses { get; init; }
    /// <summary>For a model without hidden layers: per epoch, the distance of (w, b) after the epoch to the exact rule ([1, 1], 0); else null.</summary>
    public required double[]? WeightErrors { get; init; }
    /// <summary>With a learning-rate schedule: per epoch run, the rate it trained with; else null.</summary>
    public double[]? LearningRates { get; init; }
    public required Dictionary<string, TensorData> StateDict { get; init; }
    /// <summary>The optimizer's and the shuffling generator's state after the last epoch run: with the above, enough to continue the run exactly (<see cref="ResumePoint"/>).</summary>
    public required TrainingState State { get; init; }
    /// <summary>With <see cref="TrainOptions.EarlyStop"/>: the 1-based epoch whose weights these are (the best validation loss so far); else null.</summary>
    public int? BestEpoch { get; init; }
    /// <summary>The epochs a resumed run had run before this call (<see cref="TrainControl.ResumeFrom"/>); 0 for a new run.</summary>
    public int ResumedAt { get; init; }
    /// <summary>This call's time: a resumed run's earlier calls are not counted.</summary>
    public required TimeSpan Elapsed { get; init; }
    public required DateTimeOffset FinishedUtc { get; init; }

    public double FinalLoss => Losses.Length > 0 ? Losses[^1] : double.NaN;
}

/// <summary>How a training run ended; written to both files as "status" ("completed", "target_reached", ...).</summary>
public enum TrainStatus
{
    /// <summary>All requested epochs ran.</summary>
    Completed,

    /// <summary>An epoch's loss reached <see cref="TrainOptions.TargetLoss"/>; training stopped there.</summary>
    TargetReached,

    /// <summary>Stopped early at the caller's request (its cancellation token); the last full epoch is kept.</summary>
    Interrupted,

    /// <summary>Stopped when <see cref="TrainControl.MaxTime"/> was up; the last full epoch is kept.</summary>
    TimeLimit,

    /// <summary>The validation loss stopped improving (<see cref="TrainOptions.EarlyStop"/>); the best epoch's weights are kept.</summary>
    EarlyStopped,

    /// <summary>A snapshot taken while the run went on (<see cref="TrainControl.CheckpointEvery"/>): the file of a run that is still going, or was killed.</summary>
    Checkpoint,

    /// <summary>Stopped at <see cref="TrainControl.MaxEpochs"/>: the most epochs whose history the run's files can hold and still be read back; the last full epoch is kept.</summary>
    SizeLimit,

    /// <summary>The loss became NaN or infinite; the weights are useless and are not saved.</summary>
    Diverged,
}
