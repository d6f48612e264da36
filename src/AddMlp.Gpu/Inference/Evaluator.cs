using System.Text.Json.Serialization;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AddMlp.Gpu;

/// <summary>Measures a saved model against exact addition on fresh seeded pairs.</summary>
public static class Evaluator
{
    /// <summary>
    /// Draws <paramref name="samples"/> pairs uniform in <paramref name="range"/> (seeded, on the CPU, as
    /// float32 like the training data), runs the model in its dtype and compares with the exact sums.
    /// </summary>
    /// <remarks>Throws <see cref="OperationCanceledException"/> when <paramref name="cancellation"/> is signalled before it starts.</remarks>
    public static RangeError Evaluate(ModelDocument model, InputRange range, int samples, long seed, ResolvedDevice device, CancellationToken cancellation = default)
    {
        cancellation.ThrowIfCancellationRequested();
        NativeRuntime.EnsureLoaded();
        using var scope = NewDisposeScope();
        manual_seed(seed);
        var (x, _) = AdditionData.Create(samples, range);
        ScalarType dtype = model.Dtype.ToTorch();
        using Sequential net = AdderNet.FromStateDict(model.Architecture, model.StateDict, model.Dtype);
        net.to(device.Torch).eval();

        using var noGrad = no_grad();
        Tensor predicted = net.forward(x.to(dtype).to(device.Torch)).to(float64).cpu().squeeze(1);
        Tensor exact = x.to(float64).sum(1); // a float32 pair sums exactly in float64
        Tensor error = (predicted - exact).abs();
        return new RangeError(
            range,
            samples,
            error.mean().ToDouble(),
            error.square().mean().sqrt().ToDouble(),
            error.max().ToDouble());
    }
}

/// <summary>How far a model's sums are from a + b on fresh pairs from one range (in reports, "range" is written "LO:HI").</summary>
/// <param name="Mae">Mean absolute error.</param>
/// <param name="Rmse">Root mean squared error.</param>
/// <param name="MaxError">Largest absolute error.</param>
public sealed record RangeError(
    [property: JsonConverter(typeof(InputRangeTextConverter))] InputRange Range, int Samples, double Mae, double Rmse, double MaxError);
