namespace AddMlp.Gpu;

/// <summary>Hands the epochs recorded since the last call to <see cref="TrainControl.OnRecords"/>: one copy from the device per series.</summary>
internal sealed class RecordHandout(Action<EpochRecords>? onRecords, TrainingHistory history, ScheduledRates rates, int handedOutUpTo)
{
    public void HandOut(int epochsRun)
    {
        if (onRecords is null || epochsRun <= handedOutUpTo)
            return;
        var (losses, valLosses, weightErrors) = history.Slice(handedOutUpTo, epochsRun);
        onRecords(new EpochRecords(handedOutUpTo + 1, losses, valLosses, weightErrors, rates.Range(handedOutUpTo, epochsRun - handedOutUpTo)));
        handedOutUpTo = epochsRun;
    }
}
