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
        Tensor x = tensor(inputs, [pairs.Count, 2]).to(model.Dtype.ToTorch());
        return Outputs(model, x, device).to(float64).cpu().data<double>().ToArray();
    }

    /// <summary>The model's outputs for <paramref name="x"/> (on the CPU): portable kernels on the CPU, native ones on a GPU.</summary>
    internal static Tensor Outputs(ModelDocument model, Tensor x, ResolvedDevice device)
    {
        if (!device.IsCuda)
        {
            using PortableNetwork portable = PortableNetwork.FromStateDict(model.Architecture, model.StateDict, model.Dtype);
            return portable.Forward(x);
        }
        using Sequential net = AdderNet.FromStateDict(model.Architecture, model.StateDict, model.Dtype);
        net.to(device.Torch).eval();
        using var noGrad = no_grad();
        return net.forward(x.to(device.Torch));
    }
}
