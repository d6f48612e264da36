namespace AddMlp.Gpu;

/// <summary>
/// torch.optim's names for the per-parameter buffers addmlp's optimizers keep, as the model file's resume
/// block and <see cref="TrainingState.OptimizerBuffers"/> name them: Adam's and AdamW's moments, SGD's momentum.
/// </summary>
internal static class OptimizerBuffers
{
    public const string ExpAvg = "exp_avg", ExpAvgSq = "exp_avg_sq", MomentumBuffer = "momentum_buffer";

    /// <summary>The buffers an optimizer holds, by name, in that order (a missing one left out).</summary>
    public static IEnumerable<(string Name, TBuffer Buffer)> Named<TBuffer>(TBuffer? expAvg, TBuffer? expAvgSq, TBuffer? momentumBuffer)
        where TBuffer : class
    {
        if (expAvg is not null)
            yield return (ExpAvg, expAvg);
        if (expAvgSq is not null)
            yield return (ExpAvgSq, expAvgSq);
        if (momentumBuffer is not null)
            yield return (MomentumBuffer, momentumBuffer);
    }
}
