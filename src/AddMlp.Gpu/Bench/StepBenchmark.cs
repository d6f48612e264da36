using System.Diagnostics;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AddMlp.Gpu;

/// <summary>
/// Times steady-state training steps as <see cref="Trainer"/> takes them (full batch, MSE, the optimizer),
/// after a warm-up, with the run sized to about a target duration. GPU timings synchronise once at the
/// end of a timed run of many steps, never per step.
/// </summary>
public static class StepBenchmark
{
    /// <remarks>Stops between steps with <see cref="OperationCanceledException"/> when <paramref name="cancellation"/> is signalled.</remarks>
    public static BenchRow Run(long samples, ResolvedDevice device, Kernels? kernels, int threads, Architecture architecture, double seconds = 0.5, CancellationToken cancellation = default)
    {
        NativeRuntime.EnsureLoaded();
        set_num_threads(threads);
        PeakMemory.Reset();
        Device target = device.Torch;
        Kernels chosen = KernelChoice.For(kernels, device);
        var options = new TrainOptions { Architecture = architecture };

        manual_seed(42);
        var (xHost, yHost) = AdditionData.Create(samples, InputRange.Unit);
        using Sequential model = AdderNet.Create(architecture);
        model.to(target);
        using FlatParameters parameters = FlatParameters.Bind(model);
        using var step = new TrainingStep(model, parameters, options, chosen);
        using TrainingSplit data = step.Split(xHost, yHost, 0, target, float32);

        // As the training loop takes a full-batch epoch: on the host where the step runs there, making no tensor.
        bool onHost = step.RunsOnHost(data);
        double Timed(int steps)
        {
            Synchronize(device);
            long start = Stopwatch.GetTimestamp();
            for (int i = 0; i < steps; i++)
            {
                cancellation.ThrowIfCancellationRequested();
                if (onHost)
                {
                    step.RunOnHost(data);
                    continue;
                }
                using var scope = NewDisposeScope();
                step.Run(data.X, data.Y);
            }
            Synchronize(device);
            return Stopwatch.GetElapsedTime(start).TotalSeconds;
        }

        // Warm up (JIT, allocator, caches), then size the timed run to about `seconds`.
        Timed(10);
        int n = 10;
        double elapsed = Timed(n);
        while (elapsed < 0.05)
        {
            n *= 4;
            elapsed = Timed(n);
        }
        n = Math.Max(10, (int)(n * seconds / elapsed));
        long created = TensorsCreated();
        elapsed = Timed(n);
        double tensorsPerStep = (TensorsCreated() - created) / (double)n;

        double copy = CopySeconds(data.X, data.Y, device);
        return new BenchRow(samples, device.Name, chosen, threads, n, elapsed / n * 1e6, copy * 1e6, PeakMemory.PeakRssBytes()) { TensorsPerStep = tensorsPerStep };
    }

    /// <summary>Tensors this thread has made so far: each op's result is one (views and in-place results included).</summary>
    private static long TensorsCreated() =>
        DisposeScopeManager.Statistics.CreatedInScopeCount + DisposeScopeManager.Statistics.CreatedOutsideScopeCount;

    /// <summary>Time of one copy of X and y on their device (the median of several).</summary>
    private static double CopySeconds(Tensor x, Tensor y, ResolvedDevice device)
    {
        using Tensor xCopy = empty_like(x), yCopy = empty_like(y);
        var times = new List<double>();
        for (int i = 0; i < 21; i++)
        {
            Synchronize(device);
            long start = Stopwatch.GetTimestamp();
            xCopy.copy_(x);
            yCopy.copy_(y);
            Synchronize(device);
            times.Add(Stopwatch.GetElapsedTime(start).TotalSeconds);
        }
        times.Sort();
        return times[times.Count / 2];
    }

    private static void Synchronize(ResolvedDevice device)
    {
        if (device.IsCuda)
            cuda.synchronize();
    }
}
