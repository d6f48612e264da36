using TorchSharp;
using System.Diagnostics;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AddMlp.Gpu;

/// <summary>The tutorial's training loop: full-batch Adam on MSE, one dispose scope per step.</summary>
/// <remarks>
/// Uses torch's global random generator, as PyTorch code does: two trainings running at the same time
/// in one process are not reproducible.
/// </remarks>
public static class Trainer
{
    /// <summary>How often (in epochs) the host looks for a NaN or infinite loss, besides every log point.</summary>
    public const int DivergenceCheckEvery = 25;

    /// <summary>
    /// Trains until all epochs ran, the loss stops being finite (status Diverged, stopped at the first
    /// such epoch) or <paramref name="cancellation"/> is signalled (status Interrupted, after the
    /// current epoch).
    /// </summary>
    public static TrainResult Train(TrainOptions options, IProgress<EpochLoss>? progress = null, CancellationToken cancellation = default)
    {
        NativeRuntime.EnsureLoaded();
        ResolvedDevice device = Devices.Resolve(options.Device);
        MemoryEstimate.EnsureFits(options, device);
        Device target = device.Torch;
        var clock = Stopwatch.StartNew();

        // Same order as the tutorial, so the CPU reproduces PyTorch's numbers: seed, data, model.
        manual_seed(options.Seed);
        if (device.IsCuda)
            cuda.manual_seed_all(options.Seed);
        var (xHost, yHost) = AdditionData.Create(options.Samples);
        using Sequential model = AdderNet.Create(options.Architecture);

        using Tensor x = MoveTo(xHost, target);
        using Tensor y = MoveTo(yHost, target);
        model.to(target);
        using var optimizer = optim.Adam(model.parameters(), lr: options.LearningRate);

        // Losses stay on the device; the host reads one only at a log point, so a GPU never waits per epoch.
        using Tensor losses = zeros(options.Epochs, dtype: float32, device: target);
        int epochsRun = 0, checkedUpTo = 0;
        TrainStatus status = TrainStatus.Completed;
        for (int epoch = 0; epoch < options.Epochs; epoch++)
        {
            if (cancellation.IsCancellationRequested)
            {
                status = TrainStatus.Interrupted;
                break;
            }

            using var scope = NewDisposeScope();
            optimizer.zero_grad();
            Tensor loss = nn.functional.mse_loss(model.forward(x), y);
            loss.backward();
            optimizer.step();
            losses[epoch].copy_(loss.detach());
            epochsRun = epoch + 1;

            bool logPoint = epoch % options.LogEvery == 0;
            if (logPoint)
                progress?.Report(new EpochLoss(epoch + 1, loss.item<float>()));

            // Divergence is looked for in batches of epochs, so a GPU is not made to wait every epoch.
            if (logPoint || epochsRun % DivergenceCheckEvery == 0 || epochsRun == options.Epochs)
            {
                if (FirstNonFinite(losses, checkedUpTo, epochsRun) is int bad)
                {
                    epochsRun = bad + 1;
                    status = TrainStatus.Diverged;
                    break;
                }
                checkedUpTo = epochsRun;
            }
        }

        float[] lossHistory;
        using (NewDisposeScope())
            lossHistory = losses.narrow(0, 0, epochsRun).cpu().data<float>().ToArray();
        Dictionary<string, TensorData> stateDict = AdderNet.StateDict(model);
        clock.Stop();

        return new TrainResult
        {
            Options = options,
            Device = device,
            Status = status,
            EpochsRun = epochsRun,
            Losses = lossHistory,
            StateDict = stateDict,
            Elapsed = clock.Elapsed,
            FinishedUtc = DateTimeOffset.UtcNow,
        };
    }

    /// <summary>The 0-based index of the first NaN or infinite loss in [from, to), or null.</summary>
    private static int? FirstNonFinite(Tensor losses, int from, int to)
    {
        using var scope = NewDisposeScope();
        Tensor window = losses.narrow(0, from, to - from);
        if (window.isfinite().all().item<bool>())
            return null;
        return from + (int)window.isfinite().logical_not().nonzero()[0, 0].item<long>();
    }

    /// <summary>Moves a tensor to the device, freeing the original when a copy was made (to() returns the same tensor when it is already there).</summary>
    private static Tensor MoveTo(Tensor tensor, Device device)
    {
        Tensor moved = tensor.to(device);
        if (!ReferenceEquals(moved, tensor))
            tensor.Dispose();
        return moved;
    }
}
