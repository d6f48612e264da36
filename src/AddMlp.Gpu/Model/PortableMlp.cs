using System.Numerics;
using System.Runtime.InteropServices;

namespace AddMlp.Gpu;

/// <summary>
/// A network (with hidden layers, or the tutorial's under a loss other than MSE) with the portable kernels, in managed code: the bits
/// <see cref="PortableNetwork"/> computes with hundreds of tensor ops a step, from none. Feature-major
/// ([features, samples]) as it is, and in its order: a Linear layer's products added in input order, then
/// the bias; ReLU's mask, tanh's and GELU's derivatives from <see cref="PortableMath"/>; the backward pass's
/// products added in output order; the loss's terms and gradient as <see cref="Criterion"/> computes them;
/// every per-sample gradient term summed in <see cref="FixedOrderSum"/>'s order, in slices of <see cref="PortableNetwork.GradientTermValues"/> values.
/// Each operation is an IEEE one on single elements, so vectors of any width change no bit.
/// </summary>
internal sealed class PortableMlp<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly Architecture _architecture;
    private readonly Criterion _criterion;
    private readonly int[] _widths;               // inputs, hidden..., outputs
    private readonly int[] _weightOffsets, _biasOffsets;
    private readonly int _terms;                  // rows of per-sample terms: every parameter's, then the loss's
    private readonly int _capacity;               // samples the buffers hold
    private readonly T[][] _inputs, _preactivations, _derivatives, _gradients;
    private readonly T[] _output, _difference, _termBuffer;

    /// <param name="capacity">The most samples a call passes.</param>
    public PortableMlp(Architecture architecture, Criterion criterion, int capacity)
    {
        (_architecture, _criterion) = (architecture, criterion);
        _widths = [.. architecture.LayerWidths];
        int layers = _widths.Length - 1;
        (_weightOffsets, _biasOffsets) = (new int[layers], new int[layers]);
        int offset = 0;
        for (int l = 0; l < layers; l++)
        {
            _weightOffsets[l] = offset;
            offset += _widths[l + 1] * _widths[l];
            _biasOffsets[l] = offset;
            offset += _widths[l + 1];
        }
        _terms = offset + 1;
        _capacity = capacity;
        _inputs = [.. Enumerable.Range(0, layers).Select(l => l == 0 ? [] : new T[_widths[l] * capacity])];
        _preactivations = [.. Enumerable.Range(0, layers - 1).Select(l => new T[_widths[l + 1] * capacity])];
        _derivatives = [.. Enumerable.Range(0, layers - 1).Select(l => new T[_widths[l + 1] * capacity])];
        _gradients = [.. Enumerable.Range(0, layers).Select(l => new T[_widths[l + 1] * capacity])];
        (_output, _difference) = (new T[capacity], new T[capacity]);
        long slice = Math.Max(1, PortableNetwork.GradientTermValues / _terms);
        _termBuffer = new T[_terms * (int)Math.Min(slice, capacity)];
    }

    /// <summary>The loss on (x, y) (feature-major; n = y's length), returned, and its gradient written to <paramref name="gradient"/> (state_dict order).</summary>
    public T LossAndGradient(ReadOnlySpan<T> x, ReadOnlySpan<T> y, ReadOnlySpan<T> parameters, Span<T> gradient)
    {
        int n = y.Length, layers = _widths.Length - 1;
        ArgumentOutOfRangeException.ThrowIfGreaterThan(n, _capacity);
        Forward(x, parameters, n, keepDerivatives: true);
        var loss = new LossArithmetic(_criterion, n);
        Span<T> difference = _difference.AsSpan(0, n), dzLast = _gradients[layers - 1].AsSpan(0, n);
        for (int j = 0; j < n; j++)
        {
            difference[j] = _output[j] - y[j];
            dzLast[j] = loss.Gradient(difference[j]);
        }
        for (int l = layers - 1; l > 0; l--)
            Backward(l, parameters, n);

        // The terms in slices of samples, each slice summed in FixedOrderSum's order, then the slices' sums likewise.
        // (Arrays made per call: a hidden-layer step is long enough that a few small ones do not count.)
        long sliceLong = Math.Max(1, PortableNetwork.GradientTermValues / _terms);
        Span<T> sums = new T[_terms];
        if (n <= sliceLong)
        {
            Terms(x, n, 0, n);
            FixedOrderSum.Rows<T>(_termBuffer, _terms, n, sums);
        }
        else
        {
            int slice = (int)sliceLong, slices = (n + slice - 1) / slice;
            var partials = new T[_terms * slices]; // [terms, slices], as stack(partials, 1) lays them out
            Span<T> partial = new T[_terms];
            for (int s = 0; s < slices; s++)
            {
                int start = s * slice, count = Math.Min(slice, n - start);
                Terms(x, n, start, count);
                FixedOrderSum.Rows<T>(_termBuffer, _terms, count, partial);
                for (int r = 0; r < _terms; r++)
                    partials[r * slices + s] = partial[r];
            }
            FixedOrderSum.Rows<T>(partials, _terms, slices, sums);
        }
        sums[..(_terms - 1)].CopyTo(gradient);
        return sums[_terms - 1] / T.CreateTruncating(n);
    }

    /// <summary>The loss alone (the validation loss).</summary>
    public T Loss(ReadOnlySpan<T> x, ReadOnlySpan<T> y, ReadOnlySpan<T> parameters)
    {
        int n = y.Length;
        ArgumentOutOfRangeException.ThrowIfGreaterThan(n, _capacity);
        Forward(x, parameters, n, keepDerivatives: false);
        var loss = new LossArithmetic(_criterion, n);
        Span<T> terms = _difference.AsSpan(0, n);
        for (int j = 0; j < n; j++)
            terms[j] = loss.Term(_output[j] - y[j]);
        Span<T> sum = stackalloc T[1];
        FixedOrderSum.Rows<T>(_difference, 1, n, sum);
        return sum[0] / T.CreateTruncating(n);
    }

    private void Forward(ReadOnlySpan<T> x, ReadOnlySpan<T> parameters, int n, bool keepDerivatives)
    {
        int layers = _widths.Length - 1;
        for (int l = 0; l < layers; l++)
        {
            int inputs = _widths[l], outputs = _widths[l + 1];
            ReadOnlySpan<T> h = l == 0 ? x : _inputs[l].AsSpan(0, inputs * n);
            ReadOnlySpan<T> weight = parameters.Slice(_weightOffsets[l], outputs * inputs), bias = parameters.Slice(_biasOffsets[l], outputs);
            for (int o = 0; o < outputs; o++)
            {
                Span<T> z = l < layers - 1 ? _preactivations[l].AsSpan(o * n, n) : _output.AsSpan(0, n);
                Scale(h.Slice(0, n), weight[o * inputs], z);
                for (int i = 1; i < inputs; i++)
                    AddScaled(h.Slice(i * n, n), weight[o * inputs + i], z);
                AddScalar(z, bias[o]);
                if (l < layers - 1)
                    Activate(z, _inputs[l + 1].AsSpan(o * n, n), keepDerivatives ? _derivatives[l].AsSpan(o * n, n) : default);
            }
        }
    }

    /// <summary>dz of layer <paramref name="l"/> - 1 from layer <paramref name="l"/>'s: Wᵀ·dz, the products added in output order, through the activation's backward.</summary>
    private void Backward(int l, ReadOnlySpan<T> parameters, int n)
    {
        int inputs = _widths[l], outputs = _widths[l + 1];
        ReadOnlySpan<T> weight = parameters.Slice(_weightOffsets[l], outputs * inputs);
        ReadOnlySpan<T> dz = _gradients[l].AsSpan(0, outputs * n);
        for (int i = 0; i < inputs; i++)
        {
            Span<T> dh = _gradients[l - 1].AsSpan(i * n, n);
            Scale(dz.Slice(0, n), weight[i], dh);
            for (int o = 1; o < outputs; o++)
                AddScaled(dz.Slice(o * n, n), weight[o * inputs + i], dh);
            ReadOnlySpan<T> derivative = _derivatives[l - 1].AsSpan(i * n, n);
            if (_architecture.Activation == Activation.Relu)
            {
                ReadOnlySpan<T> z = _preactivations[l - 1].AsSpan(i * n, n);
                for (int j = 0; j < n; j++)
                {
                    if (z[j] <= T.Zero)
                        dh[j] = T.Zero; // threshold_backward: no gradient where ReLU passed nothing
                }
            }
            else
            {
                Multiply(dh, derivative);
            }
        }
    }

    /// <summary>The activation of <paramref name="z"/> into <paramref name="h"/>, and what its backward pass needs (tanh's and GELU's derivative).</summary>
    private void Activate(ReadOnlySpan<T> z, Span<T> h, Span<T> derivative)
    {
        switch (_architecture.Activation)
        {
            case Activation.Relu:
                for (int j = 0; j < z.Length; j++)
                    h[j] = z[j] > T.Zero || T.IsNaN(z[j]) ? z[j] : T.Zero; // relu passes NaN on
                break;
            case Activation.Tanh:
                for (int j = 0; j < z.Length; j++)
                {
                    T t = T.CreateTruncating(PortableMath.Tanh(double.CreateTruncating(z[j])));
                    h[j] = t;
                    if (!derivative.IsEmpty)
                        derivative[j] = -(t * t) + T.One; // t.mul(t).neg_().add_(1)
                }
                break;
            default:
                for (int j = 0; j < z.Length; j++)
                {
                    double v = double.CreateTruncating(z[j]);
                    h[j] = T.CreateTruncating(PortableMath.Gelu(v));
                    if (!derivative.IsEmpty)
                        derivative[j] = T.CreateTruncating(PortableMath.GeluDerivative(v));
                }
                break;
        }
    }

    /// <summary>Samples [start, start + count) of every term, into the term buffer ([terms, count]): each layer's dz[o]·input[i] (o-major), its dz[o], then the loss's d·d.</summary>
    private void Terms(ReadOnlySpan<T> x, int n, int start, int count)
    {
        int row = 0, layers = _widths.Length - 1;
        for (int l = 0; l < layers; l++)
        {
            int inputs = _widths[l], outputs = _widths[l + 1];
            ReadOnlySpan<T> input = l == 0 ? x : _inputs[l].AsSpan(0, inputs * n);
            ReadOnlySpan<T> dz = _gradients[l].AsSpan(0, outputs * n);
            for (int o = 0; o < outputs; o++)
            {
                for (int i = 0; i < inputs; i++)
                    Multiply(dz.Slice(o * n + start, count), input.Slice(i * n + start, count), _termBuffer.AsSpan(row++ * count, count));
            }
            for (int o = 0; o < outputs; o++)
                dz.Slice(o * n + start, count).CopyTo(_termBuffer.AsSpan(row++ * count, count));
        }
        var loss = new LossArithmetic(_criterion, n);
        ReadOnlySpan<T> difference = _difference.AsSpan(start, count);
        Span<T> lossTerms = _termBuffer.AsSpan(row * count, count);
        for (int j = 0; j < count; j++)
            lossTerms[j] = loss.Term(difference[j]);
    }

    /// <summary>
    /// <see cref="Criterion"/>'s per-sample arithmetic on single values: each term, and d loss / d output, from
    /// the error d = output − y, with its constants cast to the dtype as libtorch casts a Scalar.
    /// </summary>
    private readonly struct LossArithmetic(Criterion criterion, int n)
    {
        private readonly T _twoOverN = T.CreateTruncating(2.0 / n), _norm = T.CreateTruncating(1.0 / n);
        private readonly T _delta = T.CreateTruncating(criterion.Delta), _minusDelta = T.CreateTruncating(-criterion.Delta);
        private readonly T _half = T.CreateTruncating(0.5), _halfDelta = T.CreateTruncating(0.5 * criterion.Delta);

        public T Term(T d)
        {
            if (criterion.Function == LossFunction.Mse)
                return d * d;
            T error = T.Abs(d);
            if (criterion.Function == LossFunction.L1)
                return error;
            T quadratic = error * _half * error; // error.mul(half).mul(error)
            if (criterion.Function == LossFunction.SmoothL1)
                quadratic /= _delta;
            T linear = criterion.Function == LossFunction.Huber ? (error - _halfDelta) * _delta : error - _halfDelta;
            return error < _delta ? quadratic : linear;
        }

        public T Gradient(T d) => criterion.Function switch
        {
            LossFunction.Mse => d * _twoOverN,
            LossFunction.L1 => Sign(d) * _norm,
            LossFunction.Huber => Clamp(d) * _norm,
            _ => T.Abs(d) < _delta ? d * _norm / _delta : Sign(d) * _norm,
        };

        /// <summary>torch.sign: 1, -1, or 0 (for ±0 and NaN).</summary>
        private static T Sign(T d) => d > T.Zero ? T.One : d < T.Zero ? -T.One : T.Zero;

        /// <summary>torch.clamp between ∓delta; NaN stays NaN.</summary>
        private T Clamp(T d) => T.IsNaN(d) ? d : d < _minusDelta ? _minusDelta : d > _delta ? _delta : d;
    }

    // Scale and AddScaled are two loops, not one with a flag: the flag would be tested in the step's innermost loop.
    private static void Scale(ReadOnlySpan<T> a, T factor, Span<T> into)
    {
        int j = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var f = new Vector<T>(factor);
            ref T ra = ref MemoryMarshal.GetReference(a);
            ref T ri = ref MemoryMarshal.GetReference(into);
            for (; j <= a.Length - Vector<T>.Count; j += Vector<T>.Count)
                (f * Vector.LoadUnsafe(ref ra, (nuint)j)).StoreUnsafe(ref ri, (nuint)j);
        }
        for (; j < a.Length; j++)
            into[j] = factor * a[j];
    }

    private static void AddScaled(ReadOnlySpan<T> a, T factor, Span<T> into)
    {
        int j = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var f = new Vector<T>(factor);
            ref T ra = ref MemoryMarshal.GetReference(a);
            ref T ri = ref MemoryMarshal.GetReference(into);
            for (; j <= a.Length - Vector<T>.Count; j += Vector<T>.Count)
                (Vector.LoadUnsafe(ref ri, (nuint)j) + f * Vector.LoadUnsafe(ref ra, (nuint)j)).StoreUnsafe(ref ri, (nuint)j);
        }
        for (; j < a.Length; j++)
            into[j] += factor * a[j];
    }

    private static void AddScalar(Span<T> into, T value)
    {
        for (int j = 0; j < into.Length; j++)
            into[j] += value;
    }

    private static void Multiply(Span<T> into, ReadOnlySpan<T> by)
    {
        for (int j = 0; j < into.Length; j++)
            into[j] *= by[j];
    }

    private static void Multiply(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> into)
    {
        int j = 0;
        if (Vector.IsHardwareAccelerated)
        {
            ref T ra = ref MemoryMarshal.GetReference(a);
            ref T rb = ref MemoryMarshal.GetReference(b);
            ref T ri = ref MemoryMarshal.GetReference(into);
            for (; j <= a.Length - Vector<T>.Count; j += Vector<T>.Count)
                (Vector.LoadUnsafe(ref ra, (nuint)j) * Vector.LoadUnsafe(ref rb, (nuint)j)).StoreUnsafe(ref ri, (nuint)j);
        }
        for (; j < a.Length; j++)
            into[j] = a[j] * b[j];
    }
}
