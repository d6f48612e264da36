using System.Text.Json.Serialization;
using static TorchSharp.torch;

namespace AddMlp.Gpu;

/// <summary>Measures a saved model against exact addition on fresh seeded pairs.</summary>
public static class Evaluator
{
    /// <summary>
    /// Draws <paramref name="samples"/> pairs uniform in <paramref name="range"/> (seeded, on the CPU, as
    /// float32 like the training data), runs the model in its dtype and compares with the exact sums.
    /// </summary>
    /// <remarks>Throws <see cref="OperationCanceledException"/> when <paramref name="cancellation"/> is signalled (checked between slices of pairs).</remarks>
    public static RangeError Evaluate(ModelDocument model, InputRange range, int samples, long seed, ResolvedDevice device, CancellationToken cancellation = default)
    {
        cancellation.ThrowIfCancellationRequested();
        NativeRuntime.EnsureLoaded();
        using var scope = NewDisposeScope();
        manual_seed(seed);
        var (x, _) = AdditionData.Create(samples, range);
        double[] predicted = Predictor.Outputs(model, x, device, cancellation);
        float[] pairs = x.data<float>().ToArray();

        // The errors against the exact sums (a float32 pair sums exactly in double), added up here in order:
        // the same figures on every processor.
        double absolute = 0, squared = 0, largest = 0;
        for (int i = 0; i < predicted.Length; i++)
        {
            double error = Math.Abs(predicted[i] - ((double)pairs[2 * i] + pairs[2 * i + 1]));
            absolute += error;
            squared += error * error;
            largest = Math.Max(largest, error);
        }
        return new RangeError(range, samples, absolute / samples, Math.Sqrt(squared / samples), largest);
    }
}

/// <summary>How far a model's sums are from a + b on fresh pairs from one range (in reports, "range" is written "LO:HI").</summary>
/// <param name="Mae">Mean absolute error.</param>
/// <param name="Rmse">Root mean squared error.</param>
/// <param name="MaxError">Largest absolute error.</param>
public sealed record RangeError(
    [property: JsonConverter(typeof(InputRangeTextConverter))] InputRange Range, int Samples, double Mae, double Rmse, double MaxError);
