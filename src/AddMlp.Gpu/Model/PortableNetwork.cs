using TorchSharp;
using static TorchSharp.torch;

namespace AddMlp.Gpu;

/// <summary>
/// The network's forward pass, loss and backward pass with the portable kernels (<see cref="Kernels.Portable"/>):
/// the tutorial's arithmetic written out, one whole-tensor IEEE operation at a time, so that every CPU
/// computes the same bits. A Linear layer adds its products in input order, then the bias (as
/// <see cref="ManagedNetwork"/> does); every sum over the samples is a <see cref="FixedOrderSum"/>; tanh and
/// GELU are <see cref="PortableMath"/>'s. CPU tensors only.
/// </summary>
internal sealed class PortableNetwork : IDisposable
{
    /// <summary>
    /// Values of per-sample gradient terms summed in one go: larger batches are summed in slices of samples,
    /// so that a wide network on many samples needs a bounded amount of memory for them (the slices' size
    /// depends on the shapes alone, so the order of the additions stays fixed by them).
    /// </summary>
    public const long GradientTermValues = 1 << 22;

    private readonly Architecture _architecture;
    private readonly (Tensor Weight, Tensor Bias)[] _layers;
    private readonly Criterion _criterion;

    /// <param name="layers">Each Linear layer's weight ([out, in]) and bias ([out]), input to output; the network disposes them.</param>
    /// <param name="criterion">The loss that <see cref="Loss"/> and <see cref="LossAndGradient"/> compute (default: MSE).</param>
    public PortableNetwork(Architecture architecture, IReadOnlyList<(Tensor Weight, Tensor Bias)> layers, Criterion criterion = default)
    {
        _architecture = architecture;
        _layers = [.. layers];
        _criterion = criterion;
    }

    /// <summary>The network with a saved model's weights, on the CPU in the model's dtype.</summary>
    public static PortableNetwork FromStateDict(Architecture architecture, IReadOnlyDictionary<string, TensorData> stateDict, DType dtype)
    {
        var shapes = architecture.Parameters().ToArray();
        using var scope = NewDisposeScope(); // the copies made on the way
        Tensor Load(int i) => tensor(stateDict[shapes[i].Name].Values, shapes[i].Shape).to(dtype.ToTorch()).DetachFromDisposeScope();
        return new PortableNetwork(architecture, [.. Enumerable.Range(0, shapes.Length / 2).Select(layer => (Load(2 * layer), Load(2 * layer + 1)))]);
    }

    /// <summary>The network over a flat parameter buffer's values (state_dict order: weight, bias, weight, ...).</summary>
    public static PortableNetwork Over(Architecture architecture, FlatParameters parameters, Criterion criterion)
    {
        var shapes = architecture.Parameters().ToArray();
        using var scope = NewDisposeScope(); // the views made on the way
        var layers = new (Tensor, Tensor)[shapes.Length / 2];
        for (int layer = 0; layer < layers.Length; layer++)
        {
            Tensor View(int i) => parameters.Values.narrow(0, parameters.Spans[i].Offset, parameters.Spans[i].Length).view(shapes[i].Shape).DetachFromDisposeScope();
            layers[layer] = (View(2 * layer), View(2 * layer + 1));
        }
        return new PortableNetwork(architecture, layers, criterion);
    }

    public void Dispose()
    {
        foreach (var (weight, bias) in _layers)
        {
            weight.Dispose();
            bias.Dispose();
        }
    }

    /// <summary>The network's outputs for <paramref name="x"/> ([n, inputs]): [n, outputs].</summary>
    public Tensor Forward(Tensor x)
    {
        using var noGrad = no_grad();
        return Transposed(Outputs(FeatureMajor(x)));
    }

    /// <summary>
    /// [features, n] from [n, features]: each feature's values side by side, the layout the rest of this
    /// class takes, so that every op streams whole rows (made once per run for a full batch).
    /// </summary>
    public static Tensor FeatureMajor(Tensor samples) => Transposed(samples);

    /// <summary>A fresh row-major [b, a] tensor holding [a, b]'s transpose.</summary>
    private static Tensor Transposed(Tensor t)
    {
        // Rather than contiguous(), which gives [n, 1] back as [1, n] with strides (1, 1): libtorch's
        // elementwise ops walk such a tensor dozens of times slower than a plain row.
        Tensor rows = empty([t.shape[1], t.shape[0]], dtype: t.dtype, device: t.device);
        return rows.copy_(t.t());
    }

    /// <summary>The loss of the outputs for <paramref name="x"/> against <paramref name="y"/> (feature-major): a 0-dim tensor.</summary>
    public Tensor Loss(Tensor x, Tensor y)
    {
        using var noGrad = no_grad();
        using Scalar n = x.shape[1];
        return FixedOrderSum.Rows(_criterion.Terms(Outputs(x).sub(y))).squeeze().div(n);
    }

    /// <summary>
    /// The loss on (<paramref name="x"/>, <paramref name="y"/>) (feature-major: [inputs, n],
    /// [outputs, n]), as PyTorch's loss module computes it (<see cref="Criterion"/>), and its gradient with respect to every parameter, written into
    /// <paramref name="gradient"/> (state_dict order, flat). Returns the loss, a 0-dim tensor.
    /// </summary>
    public Tensor LossAndGradient(Tensor x, Tensor y, Tensor gradient)
    {
        using var noGrad = no_grad();
        long n = x.shape[1];

        // Forward, keeping each layer's input and its activation's derivative.
        var inputs = new Tensor[_layers.Length];
        var derivatives = new Tensor[_layers.Length - 1];
        Tensor h = x;
        for (int layer = 0; layer < _layers.Length; layer++)
        {
            inputs[layer] = h;
            h = Linear(h, _layers[layer].Weight, _layers[layer].Bias);
            if (layer < _layers.Length - 1)
            {
                (h, Tensor? derivative) = Activate(h, keepDerivative: true);
                derivatives[layer] = derivative!;
            }
        }
        Tensor difference = h.sub(y);

        // Backward: d loss / d output, as the loss's backward computes it (MSE: (output - y) · 2/n), then layer by layer.
        using Scalar count = n;
        var outputGradients = new Tensor[_layers.Length];
        Tensor dz = _criterion.OutputGradient(difference, n);
        for (int layer = _layers.Length - 1; layer >= 0; layer--)
        {
            outputGradients[layer] = dz;
            if (layer > 0)
                dz = Deactivate(Backward(dz, _layers[layer].Weight), derivatives[layer - 1]);
        }

        Tensor sums = SumOverSamples(inputs, outputGradients, _criterion.Terms(difference));
        long parameters = gradient.shape[0];
        gradient.copy_(sums.narrow(0, 0, parameters));
        return sums[parameters].div(count);
    }

    /// <summary>The network's outputs, feature-major: [outputs, n].</summary>
    private Tensor Outputs(Tensor h)
    {
        for (int layer = 0; layer < _layers.Length; layer++)
        {
            h = Linear(h, _layers[layer].Weight, _layers[layer].Bias);
            if (layer < _layers.Length - 1)
                h = Activate(h, keepDerivative: false).Output;
        }
        return h;
    }

    /// <summary>
    /// Each parameter's gradient and the loss, summed over the samples: per sample, a weight's
    /// term is dz[o]·input[i] and a bias's is dz[o], stacked in state_dict order (each layer's weight
    /// o-major, then its bias), the loss's term last. Built and summed in slices of samples of at most
    /// <see cref="GradientTermValues"/> values, the slices' sums then added in order.
    /// </summary>
    private static Tensor SumOverSamples(Tensor[] inputs, Tensor[] outputGradients, Tensor lossTerms)
    {
        long n = lossTerms.shape[1];
        long rows = 1 + inputs.Zip(outputGradients).Sum(p => p.Second.shape[0] * (p.First.shape[0] + 1));
        long slice = Math.Max(1, GradientTermValues / rows);
        Tensor Terms(long start, long count)
        {
            var terms = new List<Tensor>();
            for (int layer = 0; layer < inputs.Length; layer++)
            {
                Tensor dz = outputGradients[layer].narrow(1, start, count), input = inputs[layer].narrow(1, start, count);
                terms.Add(dz.unsqueeze(1).mul(input.unsqueeze(0)).reshape(-1, count)); // [out, in, count] -> [out·in, count] (reshape: with one sample the product's strides allow no view)
                terms.Add(dz);
            }
            terms.Add(lossTerms.narrow(1, start, count));
            return cat(terms, 0);
        }
        if (n <= slice)
            return FixedOrderSum.Rows(Terms(0, n));
        var partials = new List<Tensor>();
        for (long start = 0; start < n; start += slice)
        {
            using var scope = NewDisposeScope(); // a slice's terms are freed before the next slice's are made
            partials.Add(FixedOrderSum.Rows(Terms(start, Math.Min(slice, n - start))).MoveToOuterDisposeScope());
        }
        return FixedOrderSum.Rows(stack(partials, 1));
    }

    /// <summary>W·h + b, feature-major ([in, n] -> [out, n]): for each output, the products with the inputs added in input order, then the bias.</summary>
    private static Tensor Linear(Tensor h, Tensor weight, Tensor bias)
    {
        long inputs = weight.shape[1];
        Tensor z = weight.narrow(1, 0, 1).mul(h.narrow(0, 0, 1)); // [out, 1] · [1, n] -> [out, n]
        for (long i = 1; i < inputs; i++)
            z.add_(weight.narrow(1, i, 1).mul(h.narrow(0, i, 1)));
        return z.add_(bias.unsqueeze(1));
    }

    /// <summary>Wᵀ·dz, feature-major ([out, n] -> [in, n]): the gradient with respect to a Linear layer's input, the outputs' products added in output order.</summary>
    private static Tensor Backward(Tensor dz, Tensor weight)
    {
        long outputs = weight.shape[0];
        Tensor dh = weight.narrow(0, 0, 1).t().mul(dz.narrow(0, 0, 1)); // [in, 1] · [1, n] -> [in, n]
        for (long o = 1; o < outputs; o++)
            dh.add_(weight.narrow(0, o, 1).t().mul(dz.narrow(0, o, 1)));
        return dh;
    }

    /// <summary>The activation, and what its backward pass needs: ReLU's mask, tanh's and GELU's derivative.</summary>
    private (Tensor Output, Tensor? Derivative) Activate(Tensor z, bool keepDerivative)
    {
        switch (_architecture.Activation)
        {
            case Activation.Relu:
                return (z.relu(), keepDerivative ? z.le(Zero) : null); // where ReLU passes no gradient
            case Activation.Tanh:
                Tensor t = Elementwise(z, PortableMath.Tanh);
                return (t, keepDerivative ? t.mul(t).neg_().add_(One) : null); // 1 - tanh², as tanh's backward
            case Activation.Gelu:
                return (Elementwise(z, PortableMath.Gelu), keepDerivative ? Elementwise(z, PortableMath.GeluDerivative) : null);
            default:
                throw new InvalidOperationException($"no activation between the layers of {_architecture}");
        }
    }

    /// <summary>d loss / d z from d loss / d h: ReLU passes it where z > 0 (zero elsewhere, as threshold_backward); tanh and GELU multiply by their derivative.</summary>
    private Tensor Deactivate(Tensor dh, Tensor derivative) =>
        _architecture.Activation == Activation.Relu ? dh.masked_fill_(derivative, Zero) : dh.mul(derivative);

    // Scalars made once: a number passed where TorchSharp takes a Scalar becomes a native object that
    // nothing disposes (TorchSharp issue #1434), left to the finalizer thread, several every step.
    private static readonly Scalar Zero = 0.0, One = 1.0;

    /// <summary><paramref name="f"/> of every element, computed in double and rounded once to the tensor's dtype.</summary>
    private static Tensor Elementwise(Tensor z, Func<double, double> f)
    {
        Tensor contiguous = z.contiguous();
        if (z.dtype == ScalarType.Float64)
        {
            double[] values;
            using (var accessor = contiguous.data<double>())
                values = accessor.ToArray();
            for (int i = 0; i < values.Length; i++)
                values[i] = f(values[i]);
            return tensor(values, z.shape, ScalarType.Float64);
        }
        float[] floats;
        using (var accessor = contiguous.data<float>())
            floats = accessor.ToArray();
        for (int i = 0; i < floats.Length; i++)
            floats[i] = (float)f(floats[i]);
        return tensor(floats, z.shape, ScalarType.Float32);
    }
}
