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

    /// <summary>Pairs a batch holds while a file streams through.</summary>
    private const int BatchRows = 1 << 16;

    /// <summary>
    /// Measures a saved model on labelled rows (a, b, y) as they stream in: how far its sums are from the
    /// labels, how far the exact rule a + b is from them (the labels' own noise), and how far the model is
    /// from a + b on those pairs. <paramref name="device"/> null or the CPU: in managed code, the portable
    /// kernels' numbers. Throws <see cref="DataFileException"/> at a row that is not one.
    /// </summary>
    public static LabelledError Evaluate(ModelDocument model, NumberRows rows, ResolvedDevice? device, CancellationToken cancellation = default)
    {
        if (rows.Shape != RowShape.Labelled)
            throw new ArgumentException("labelled rows (a, b, y) are needed", nameof(rows));
        using BatchPredictor predictor = BatchPredictor.For(model, device);
        var values = new double[BatchRows * 3];
        var pairs = new double[BatchRows * 2];
        var sums = new double[BatchRows];
        ErrorSum toLabels = default, exactToLabels = default, toExact = default;
        int n;
        while ((n = rows.Read(values)) > 0)
        {
            cancellation.ThrowIfCancellationRequested();
            for (int i = 0; i < n; i++)
            {
                pairs[2 * i] = values[3 * i];
                pairs[2 * i + 1] = values[3 * i + 1];
            }
            predictor.Predict(pairs.AsSpan(0, 2 * n), sums.AsSpan(0, n));
            for (int i = 0; i < n; i++)
            {
                double exact = values[3 * i] + values[3 * i + 1], label = values[3 * i + 2];
                toLabels.Add(sums[i] - label);
                exactToLabels.Add(exact - label);
                toExact.Add(sums[i] - exact);
            }
        }
        return new LabelledError(rows.Rows, toLabels.Summary(rows.Rows), exactToLabels.Summary(rows.Rows), toExact.Summary(rows.Rows));
    }

    /// <summary>Errors added up in order: the same figures on every processor.</summary>
    private struct ErrorSum
    {
        private double _absolute, _squared, _largest;

        public void Add(double error)
        {
            error = Math.Abs(error);
            _absolute += error;
            _squared += error * error;
            _largest = Math.Max(_largest, error);
        }

        public readonly ErrorSummary Summary(long count) => new(_absolute / count, Math.Sqrt(_squared / count), _largest);
    }
}

/// <summary>Mean absolute, root mean squared and largest absolute error.</summary>
public sealed record ErrorSummary(double Mae, double Rmse, double MaxError);

/// <summary>How a model does on a file's labelled rows.</summary>
/// <param name="Rows">Rows read.</param>
/// <param name="Model">The model's sums against the labels y.</param>
/// <param name="Exact">The exact rule a + b against the labels: how far the labels are from addition.</param>
/// <param name="ModelFromExact">The model's sums against a + b: how far the model is from addition, on these pairs.</param>
public sealed record LabelledError(long Rows, ErrorSummary Model, ErrorSummary Exact, ErrorSummary ModelFromExact);

/// <summary>How far a model's sums are from a + b on fresh pairs from one range (in reports, "range" is written "LO:HI").</summary>
/// <param name="Mae">Mean absolute error.</param>
/// <param name="Rmse">Root mean squared error.</param>
/// <param name="MaxError">Largest absolute error.</param>
public sealed record RangeError(
    [property: JsonConverter(typeof(InputRangeTextConverter))] InputRange Range, int Samples, double Mae, double Rmse, double MaxError);
