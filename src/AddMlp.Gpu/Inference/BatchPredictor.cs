using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AddMlp.Gpu;

/// <summary>
/// A saved model loaded once and run on batch after batch of pairs, as a stream of them comes in: on the
/// CPU in managed code (<see cref="ManagedNetwork"/>: the portable kernels' numbers, no libtorch), on a GPU
/// with libtorch's kernels.
/// </summary>
public sealed class BatchPredictor : IDisposable
{
    private readonly ManagedNetwork? _managed;
    private readonly Sequential? _net;
    private readonly ModelDocument _model;
    private readonly ResolvedDevice? _device;

    private BatchPredictor(ModelDocument model, ResolvedDevice? device)
    {
        _model = model;
        _device = device;
        if (device is not { IsCuda: true })
        {
            _managed = ManagedNetwork.For(model);
            return;
        }
        NativeRuntime.EnsureLoaded();
        _net = AdderNet.FromStateDict(model.Architecture, model.StateDict, model.Dtype);
        _net.to(device.Torch).eval();
    }

    /// <summary>The model on <paramref name="device"/>; null or the CPU: in managed code.</summary>
    public static BatchPredictor For(ModelDocument model, ResolvedDevice? device) => new(model, device);

    /// <summary>The model's sum for each pair: <paramref name="pairs"/> holds a, b for each of <paramref name="sums"/>.</summary>
    public void Predict(ReadOnlySpan<double> pairs, Span<double> sums)
    {
        if (_managed is not null)
        {
            _managed.Predict(pairs, sums);
            return;
        }
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        Tensor x = tensor(pairs[..(2 * sums.Length)].ToArray(), [sums.Length, 2]).to(_model.Dtype.ToTorch()).to(_device!.Torch);
        _net!.forward(x).to(float64).cpu().data<double>().CopyTo(sums);
    }

    public void Dispose() => _net?.Dispose();
}
