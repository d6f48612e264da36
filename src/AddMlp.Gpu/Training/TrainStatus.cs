namespace AddMlp.Gpu;

/// <summary>How a training run ended; written to both files as "status" ("completed", "target_reached", ...).</summary>
public enum TrainStatus
{
    /// <summary>All requested epochs ran.</summary>
    Completed,

    /// <summary>An epoch's loss reached <see cref="TrainOptions.TargetLoss"/>; training stopped there.</summary>
    TargetReached,

    /// <summary>Stopped early at the caller's request (its cancellation token); the last full epoch is kept.</summary>
    Interrupted,

    /// <summary>The loss became NaN or infinite; the weights are useless and are not saved.</summary>
    Diverged,
}
