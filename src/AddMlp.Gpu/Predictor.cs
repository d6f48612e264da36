using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AddMlp.Gpu;

/// <summary>Runs a saved model on pairs of numbers.</summary>
public static class Predictor
{
    /// <summary>The predicted sum of each (a, b) pair, computed on <paramref name="device"/>.</summary>
    public static float[] Predict(ModelDocument model, IReadOnlyList<(double A, double B)> pairs, ResolvedDevice device)
    {
        NativeRuntime.EnsureLoaded();
        using var scope = NewDisposeScope();
        using Sequential net = AdderNet.FromStateDict(model.Architecture, model.StateDict);
        net.to(device.Torch).eval();
        float[] inputs = pairs.SelectMany(p => new[] { (float)p.A, (float)p.B }).ToArray();
        using (no_grad())
        {
            Tensor x = tensor(inputs, [pairs.Count, 2]).to(device.Torch);
            return net.forward(x).cpu().data<float>().ToArray();
        }
    }
}
