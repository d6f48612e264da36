using TorchSharp;
using System.Diagnostics;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AddMlp.Gpu;

/// <summary>The tutorial's training loop: full-batch Adam on MSE, one dispose scope per step.</summary>
public static class Trainer
{
    public static TrainResult Train(TrainOptions options, IProgress<EpochLoss>? progress = null, CancellationToken cancellation = default)
    {
        NativeRuntime.EnsureLoaded();
        ResolvedDevice device = Devices.Resolve(options.Device);
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
        int epochsRun = 0;
        for (int epoch = 0; epoch < options.Epochs && !cancellation.IsCancellationRequested; epoch++)
        {
            using var scope = NewDisposeScope();
            optimizer.zero_grad();
            Tensor loss = nn.functional.mse_loss(model.forward(x), y);
            loss.backward();
            optimizer.step();
            losses[epoch].copy_(loss.detach());
            epochsRun = epoch + 1;

            if (epoch % options.LogEvery == 0)
                progress?.Report(new EpochLoss(epoch + 1, loss.item<float>()));
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
            Status = epochsRun == options.Epochs ? TrainStatus.Completed : TrainStatus.Interrupted,
            EpochsRun = epochsRun,
            Losses = lossHistory,
            StateDict = stateDict,
            Elapsed = clock.Elapsed,
            FinishedUtc = DateTimeOffset.UtcNow,
        };
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
