using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AddMlp.Gpu;

/// <summary>Runs a saved model on pairs of numbers, with libtorch.</summary>
public static class Predictor
{
    /// <summary>
    /// The predicted sum of each (a, b) pair, computed on <paramref name="device"/> in the model's dtype:
    /// on the CPU with the portable kernels (the same bits on every processor, and as <c>predict</c>
    /// computes them without libtorch), on a GPU with libtorch's.
    /// </summary>
    public static double[] Predict(ModelDocument model, IReadOnlyList<(double A, double B)> pairs, ResolvedDevice device)
    {
        NativeRuntime.EnsureLoaded();
        using var scope = NewDisposeScope();
        double[] inputs = pairs.SelectMany(p => new[] { p.A, p.B }).ToArray();
        Tensor x = tensor(inputs, [pairs.Count, 2]);
        return Outputs(model, x, device);
    }

    /// <summary>The values a layer may hold at once: pairs are run in slices of this many activations, so a wide network on many pairs needs little memory.</summary>
    private const long SliceValues = 1L << 24;

    /// <summary>
    /// The model's outputs for the pairs <paramref name="x"/> ([n, 2], on the CPU), in double: portable
    /// kernels on the CPU, native ones on a GPU, in slices of rows (each pair's output depends on that
    /// pair alone, so the slices change no number on the CPU). Throws <see cref="OperationCanceledException"/>
    /// between slices when <paramref name="cancellation"/> is signalled.
    /// </summary>
    internal static double[] Outputs(ModelDocument model, Tensor x, ResolvedDevice device, CancellationToken cancellation = default)
    {
        long rows = x.shape[0];
        long widest = Math.Max(1, model.Architecture.Hidden.DefaultIfEmpty(1).Max());
        long slice = Math.Max(1, SliceValues / widest);
        var outputs = new double[rows];
        using PortableNetwork? portable = device.IsCuda ? null : PortableNetwork.FromStateDict(model.Architecture, model.StateDict, model.Dtype);
        using Sequential? net = device.IsCuda ? AdderNet.FromStateDict(model.Architecture, model.StateDict, model.Dtype) : null;
        net?.to(device.Torch).eval();
        using var noGrad = no_grad();
        for (long start = 0; start < rows; start += slice)
        {
            cancellation.ThrowIfCancellationRequested();
            using var scope = NewDisposeScope();
            Tensor part = x.narrow(0, start, Math.Min(slice, rows - start)).to(model.Dtype.ToTorch());
            Tensor y = portable is not null ? portable.Forward(part) : net!.forward(part.to(device.Torch));
            y.to(float64).cpu().data<double>().ToArray().CopyTo(outputs, start);
        }
        return outputs;
    }
}
