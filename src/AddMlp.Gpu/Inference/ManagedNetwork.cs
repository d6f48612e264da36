using System.Numerics;

namespace AddMlp.Gpu;

/// <summary>
/// The saved network evaluated in plain C#, for a few predictions on the CPU. Loading libtorch takes
/// about 0.4 s; a prediction is a handful of multiply-adds, so `predict` on the CPU skips libtorch.
/// Computes in the model's dtype exactly as the portable kernels do (<see cref="PortableNetwork"/>: the
/// products added in input order, then the bias; <see cref="PortableMath"/>'s tanh and GELU), so its
/// results are theirs to the bit (tests check it), on every processor.
/// </summary>
public static class ManagedNetwork
{
    public static double[] Predict(ModelDocument model, IReadOnlyList<(double A, double B)> pairs)
    {
        bool single = model.Dtype == DType.Float32;
        var layers = model.Architecture.Parameters().Chunk(2)
            .Select(pair => (Weight: model.StateDict[pair[0].Name], Bias: model.StateDict[pair[1].Name]))
            .ToArray();

        var sums = new double[pairs.Count];
        for (int row = 0; row < pairs.Count; row++)
        {
            double[] x = [Round(pairs[row].A, single), Round(pairs[row].B, single)];
            for (int layer = 0; layer < layers.Length; layer++)
            {
                x = single ? Linear<float>(x, layers[layer].Weight, layers[layer].Bias) : Linear<double>(x, layers[layer].Weight, layers[layer].Bias);
                if (layer < layers.Length - 1)
                    Activate(x, model.Architecture.Activation!.Value, single);
            }
            sums[row] = x[0];
        }
        return sums;
    }

    private static double Round(double value, bool single) => single ? (float)value : value;

    /// <summary>One Linear layer in <typeparamref name="T"/> arithmetic: the products added in input order, then the bias.</summary>
    private static double[] Linear<T>(double[] x, TensorData weight, TensorData bias)
        where T : IFloatingPointIeee754<T>
    {
        int outputs = (int)weight.Shape[0], inputs = (int)weight.Shape[1];
        var y = new double[outputs];
        for (int o = 0; o < outputs; o++)
        {
            T acc = T.CreateTruncating(weight.Values[o * inputs]) * T.CreateTruncating(x[0]);
            for (int i = 1; i < inputs; i++)
                acc += T.CreateTruncating(weight.Values[o * inputs + i]) * T.CreateTruncating(x[i]);
            y[o] = double.CreateTruncating(acc + T.CreateTruncating(bias.Values[o]));
        }
        return y;
    }

    private static void Activate(double[] x, Activation activation, bool single)
    {
        for (int i = 0; i < x.Length; i++)
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
