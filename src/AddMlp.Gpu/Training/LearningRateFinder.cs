using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AddMlp.Gpu;

/// <summary>The learning-rate range test's settings: rates rising exponentially from <see cref="StartLr"/> to <see cref="EndLr"/> over <see cref="Steps"/> steps.</summary>
/// <param name="Smoothing">The exponential moving average's beta for the smoothed loss (fastai's and Lightning's 0.98).</param>
/// <param name="DivergeFactor">Stop when the smoothed loss exceeds this many times the best so far (Lightning's early_stop_threshold, 4).</param>
public sealed record LrFindSettings(double StartLr = 1e-7, double EndLr = 10, int Steps = 100, double Smoothing = 0.98, double DivergeFactor = 4)
{
    /// <summary>What is wrong with the settings, or null.</summary>
    public string? Problem() =>
        !(StartLr > 0 && double.IsFinite(StartLr)) ? "the start rate must be a finite number above 0"
        : !(EndLr > StartLr && double.IsFinite(EndLr)) ? "the end rate must be finite and above the start rate"
        : Steps < LearningRateFinder.SkipBegin + LearningRateFinder.SkipEnd + 2 ? $"the range test needs at least {LearningRateFinder.SkipBegin + LearningRateFinder.SkipEnd + 2} steps"
        : null;
}

/// <summary>What the range test measured: each step's rate and loss, the smoothed loss, and the suggested rate (null when the losses left none to suggest).</summary>
public sealed record LrFindResult(double[] Rates, double[] Losses, double[] Smoothed, double? SuggestedLr, bool StoppedEarly);

/// <summary>
/// The learning-rate range test, as fastai's lr_find and Lightning's Tuner.lr_find run it: from a fresh
/// model (the run's seed, data and initial weights), one optimizer step per rate, the rates rising
/// exponentially; the loss smoothed with a bias-corrected moving average; stopped when the smoothed loss
/// exceeds <see cref="LrFindSettings.DivergeFactor"/> times its best (or is not finite). The suggestion is
/// Lightning's: the rate where the smoothed loss falls fastest (the least numerical gradient, numpy.gradient's,
/// of the smoothed losses less the first <see cref="SkipBegin"/> and the last <see cref="SkipEnd"/>).
/// </summary>
public static class LearningRateFinder
{
    /// <summary>Lightning's suggestion leaves out the first 10 steps (the moving average still warming up) and the last one.</summary>
    public const int SkipBegin = 10, SkipEnd = 1;

    public static LrFindResult Run(TrainOptions options, LrFindSettings settings, CancellationToken cancellation = default)
    {
        if (settings.Problem() is string problem)
            throw new ArgumentException(problem, nameof(settings));
        options.Validate();
        NativeRuntime.EnsureLoaded();
        set_num_threads(Trainer.ThreadsFor(options));
        ResolvedDevice device = KernelChoice.Device(options.Device, options.Kernels);
        Kernels kernels = KernelChoice.For(options.Kernels, device);
        ScalarType dtype = options.DType.ToTorch();

        // The run's seed, data and model, as train makes them.
        Trainer.Seed(options.Seed, device);
        var (xAll, yAll) = TrainingData.Create(options);
        using Sequential model = AdderNet.Create(options.Architecture);
        model.to(dtype).to(device.Torch);
        using FlatParameters parameters = FlatParameters.Bind(model);
        using var step = new TrainingStep(model, parameters, options with { LearningRate = settings.StartLr }, kernels);
        using TrainingSplit data = step.Split(xAll, yAll, options.ValidationSamples, device.Torch, dtype);
        using var shuffle = new Generator((ulong)options.Seed);
        Tensor? order = null;
        long samples = step.Count(data.X), next = 0;

        var (rates, losses, smoothed) = (new List<double>(), new List<double>(), new List<double>());
        double average = 0, best = double.PositiveInfinity;
        bool stoppedEarly = false;
        for (int i = 0; i < settings.Steps && !cancellation.IsCancellationRequested; i++)
        {
            double rate = settings.StartLr * Math.Pow(settings.EndLr / settings.StartLr, i / (double)(settings.Steps - 1));
            step.Optimizer.SetRate(new EpochRate(rate, null));
            using var scope = NewDisposeScope();
            Tensor loss;
            if (options.BatchSize is int batch && batch < samples)
            {
                if (order is null || next >= samples)
                {
                    order?.Dispose();
                    order = randperm(samples, generator: shuffle).to(data.X.device).DetachFromDisposeScope();
                    next = 0;
                }
                Tensor rows = order.narrow(0, next, Math.Min(batch, samples - next));
                next += batch;
                loss = step.Run(step.Select(data.X, rows), step.Select(data.Y, rows));
            }
            else
            {
                loss = step.Run(data.X, data.Y);
            }
            double value = loss.ToDouble();
            average = settings.Smoothing * average + (1 - settings.Smoothing) * value;
            double smooth = average / (1 - Math.Pow(settings.Smoothing, i + 1));
            rates.Add(rate);
            losses.Add(value);
            smoothed.Add(smooth);
            if (!double.IsFinite(smooth) || (i > 0 && smooth > settings.DivergeFactor * best))
            {
                stoppedEarly = true;
                break;
            }
            best = Math.Min(best, smooth);
        }
        order?.Dispose();
        return new LrFindResult([.. rates], [.. losses], [.. smoothed], Suggest(rates, smoothed), stoppedEarly);
    }

    /// <summary>Lightning's suggestion: the rate at the least numpy.gradient of the finite smoothed losses, the first and last steps left out.</summary>
    private static double? Suggest(List<double> rates, List<double> smoothed)
    {
        var kept = Enumerable.Range(SkipBegin, Math.Max(0, smoothed.Count - SkipBegin - SkipEnd)).Where(i => double.IsFinite(smoothed[i])).ToArray();
        if (kept.Length < 2)
            return null;
        double Gradient(int k) => k == 0 ? smoothed[kept[1]] - smoothed[kept[0]]
            : k == kept.Length - 1 ? smoothed[kept[k]] - smoothed[kept[k - 1]]
            : (smoothed[kept[k + 1]] - smoothed[kept[k - 1]]) / 2;
        int steepest = Enumerable.Range(0, kept.Length).MinBy(Gradient);
        return rates[kept[steepest]];
    }
}
