using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AddMlp.Gpu;

/// <summary>Runs a saved model on pairs of numbers, with libtorch.</summary>
public static class Predictor
{
    /// <summary>The predicted sum of each (a, b) pair, computed on <paramref name="device"/> in the model's dtype.</summary>
    public static double[] Predict(ModelDocument model, IReadOnlyList<(double A, double B)> pairs, ResolvedDevice device)
    {
        NativeRuntime.EnsureLoaded();
        using var scope = NewDisposeScope();
        ScalarType dtype = model.Dtype.ToTorch();
        using Sequential net = AdderNet.FromStateDict(model.Architecture, model.StateDict, model.Dtype);
        net.to(device.Torch).eval();
        double[] inputs = pairs.SelectMany(p => new[] { p.A, p.B }).ToArray();
        using (no_grad())
        {
            Tensor x = tensor(inputs, [pairs.Count, 2]).to(dtype).to(device.Torch);
            return net.forward(x).to(float64).cpu().data<double>().ToArray();
        }
    }
}
