using System.Numerics;

namespace AddMlp.Gpu;

/// <summary>
/// The saved network evaluated in plain C#, for a few predictions on the CPU. Loading libtorch takes
/// about 0.4 s; a prediction is a handful of multiply-adds, so `predict` on the CPU skips libtorch.
/// Computes in the model's dtype exactly as the portable kernels do (<see cref="PortableNetwork"/>: the
/// products added in input order, then the bias; <see cref="PortableMath"/>'s tanh and GELU), so its
/// results are theirs to the bit (tests check it), on every processor.
/// </summary>
public sealed class ManagedNetwork
{
    private readonly (TensorData Weight, TensorData Bias)[] _layers;
    private readonly Activation? _activation;
    private readonly bool _single;
    private readonly double[] _x, _y; // one row's activations, reused row after row

    private ManagedNetwork(ModelDocument model)
    {
        _single = model.Dtype == DType.Float32;
        _activation = model.Architecture.Activation;
        _layers = [.. model.Architecture.Parameters().Chunk(2).Select(pair => (model.StateDict[pair[0].Name], model.StateDict[pair[1].Name]))];
        int widest = model.Architecture.LayerWidths.Max();
        _x = new double[widest];
        _y = new double[widest];
    }

    /// <summary>The network of <paramref name="model"/>, ready to run on batch after batch.</summary>
    public static ManagedNetwork For(ModelDocument model) => new(model);

    public static double[] Predict(ModelDocument model, IReadOnlyList<(double A, double B)> pairs)
    {
        double[] flat = [.. pairs.SelectMany(p => new[] { p.A, p.B })];
        var sums = new double[pairs.Count];
        For(model).Predict(flat, sums);
        return sums;
    }

    /// <summary>The sum for each pair: <paramref name="pairs"/> holds a, b for each of <paramref name="sums"/>.</summary>
    public void Predict(ReadOnlySpan<double> pairs, Span<double> sums)
    {
        for (int row = 0; row < sums.Length; row++)
        {
            double[] x = _x, y = _y;
            x[0] = Round(pairs[2 * row], _single);
            x[1] = Round(pairs[2 * row + 1], _single);
            for (int layer = 0; layer < _layers.Length; layer++)
            {
                var (weight, bias) = _layers[layer];
                if (_single)
                    Linear<float>(x, weight, bias, y);
                else
                    Linear<double>(x, weight, bias, y);
                if (layer < _layers.Length - 1)
                    Activate(y, (int)weight.Shape[0], _activation!.Value, _single);
                (x, y) = (y, x);
            }
            sums[row] = x[0];
        }
    }

    private static double Round(double value, bool single) => single ? (float)value : value;

    /// <summary>One Linear layer in <typeparamref name="T"/> arithmetic, into <paramref name="y"/>: the products added in input order, then the bias.</summary>
    private static void Linear<T>(double[] x, TensorData weight, TensorData bias, double[] y)
        where T : IFloatingPointIeee754<T>
    {
        int outputs = (int)weight.Shape[0], inputs = (int)weight.Shape[1];
        for (int o = 0; o < outputs; o++)
        {
            T acc = T.CreateTruncating(weight.Values[o * inputs]) * T.CreateTruncating(x[0]);
            for (int i = 1; i < inputs; i++)
                acc += T.CreateTruncating(weight.Values[o * inputs + i]) * T.CreateTruncating(x[i]);
            y[o] = double.CreateTruncating(acc + T.CreateTruncating(bias.Values[o]));
        }
    }

    private static void Activate(double[] x, int width, Activation activation, bool single)
    {
        for (int i = 0; i < width; i++)
        {
            double v = activation switch
            {
                Activation.Relu => Math.Max(0, x[i]),
                Activation.Tanh => PortableMath.Tanh(x[i]),
                _ => PortableMath.Gelu(x[i]),
            };
            x[i] = Round(v, single);
        }
    }
}
