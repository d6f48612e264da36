namespace AddMlp.Gpu;

/// <summary>
/// Looks for the first NaN or infinite loss in batches of epochs, so that a GPU is not made to wait for the
/// host every epoch: every <see cref="Every"/> epochs, and whenever the loop is about to show or save the
/// run (a log point, a checkpoint, the last epoch), which must not show a diverged model as trained.
/// </summary>
internal sealed class DivergenceWatch(TrainingHistory history, int checkedUpTo)
{
    /// <summary>How often (in epochs) the host looks, besides the points where it must.</summary>
    public const int Every = 25;

    /// <summary>Whether epochs up to <paramref name="epochsRun"/> are due a look now, with <paramref name="mustLook"/> saying whether the loop is about to show or save them.</summary>
    public static bool Due(int epochsRun, bool mustLook) => mustLook || epochsRun % Every == 0;

    /// <summary>The epochs to keep when one of the epochs up to <paramref name="epochsRun"/> diverged (up to and including the first that did), else null.</summary>
    public int? Diverged(int epochsRun)
    {
        if (history.FirstNonFinite(checkedUpTo, epochsRun) is int bad)
            return bad + 1;
        checkedUpTo = epochsRun;
        return null;
    }
}
