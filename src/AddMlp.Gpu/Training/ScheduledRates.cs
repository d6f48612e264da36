namespace AddMlp.Gpu;

/// <summary>
/// Each epoch's learning rate as the run's schedule sets it (<see cref="LearningRates"/>): set on the
/// optimizer before the epoch runs, and kept for the loss curve, a resumed run's earlier epochs' too.
/// </summary>
internal sealed class ScheduledRates : IDisposable
{
    private readonly IEnumerator<EpochRate> _schedule;
    private readonly IStepOptimizer _optimizer;
    private readonly double _constant;
    private readonly List<double>? _rates; // null for the constant schedule, whose rate the optimizer was made with

    public ScheduledRates(TrainOptions options, IStepOptimizer optimizer, int resumedAt)
    {
        (_schedule, _optimizer, _constant) = (LearningRates.Schedule(options).GetEnumerator(), optimizer, options.LearningRate);
        _rates = options.LrSchedule == LrSchedule.Constant ? null : [];
        for (int epoch = 0; _rates is not null && epoch < resumedAt && _schedule.MoveNext(); epoch++)
            _rates.Add(_schedule.Current.Lr);
    }

    /// <summary>Sets the next epoch's rate (and momentum, where the schedule sets it) on the optimizer.</summary>
    public void Begin()
    {
        _schedule.MoveNext();
        if (_rates is not null)
            _optimizer.SetRate(_schedule.Current);
    }

    /// <summary>The epoch <see cref="Begin"/> set up ran to its end: keep its rate.</summary>
    public void Completed() => _rates?.Add(_schedule.Current.Lr);

    /// <summary>The rates of the first <paramref name="epochs"/> epochs; null for the constant schedule.</summary>
    public double[]? Through(int epochs) => _rates?.Take(epochs).ToArray();

    /// <summary>The rates of epochs [<paramref name="from"/>, <paramref name="from"/> + <paramref name="count"/>), 0-based.</summary>
    public double[] Range(int from, int count) =>
        _rates is null ? [.. Enumerable.Repeat(_constant, count)] : _rates.GetRange(from, count).ToArray();

    public void Dispose() => _schedule.Dispose();
}
