namespace AddMlp.Gpu.Tests;

/// <summary>Progress reported on the training thread, as it happens (Progress&lt;T&gt; would post it elsewhere, later).</summary>
public sealed class SyncProgress(Action<EpochLoss> report) : IProgress<EpochLoss>
{
    public void Report(EpochLoss value) => report(value);
}
