using System.Numerics;
using static TorchSharp.torch;

namespace AddMlp.Gpu;

/// <summary>
/// The full-batch step with the portable kernels, in managed code: the tutorial's Linear(2, 1) under MSE by
/// <see cref="PortableLinear{T}"/>, any other network or loss by <see cref="PortableMlp{T}"/>; the run's
/// training and validation rows held as managed arrays, bound once. An epoch then makes no tensor, where the
/// tensor kernels made dozens to hundreds; the numbers are the same bits. Minibatches go through
/// <see cref="PortableNetwork"/>.
/// </summary>
internal abstract class PortableHostStep : IDisposable
{
    /// <summary>The step for a run that can take it; null for one that cannot.</summary>
    public static PortableHostStep? For(TrainOptions options, Kernels kernels) =>
        kernels != Kernels.Portable ? null
        : options.DType == DType.Float64 ? new Typed<double>(options.Architecture, Criterion.Of(options)) : new Typed<float>(options.Architecture, Criterion.Of(options));

    /// <summary>Holds the run's rows (feature-major, as <see cref="TrainingSplit"/> lays them out for the portable kernels) as managed arrays, and the parameters' buffers.</summary>
    public abstract void Bind(TrainingSplit data, FlatParameters parameters);

    public abstract void Dispose();

    /// <summary>Whether <paramref name="x"/> is the bound training or validation data.</summary>
    public abstract bool Holds(Tensor x);

    /// <summary>The loss on the bound rows <paramref name="x"/> is, with its gradient written to the parameters' gradient buffer.</summary>
    public Tensor LossAndGradient(Tensor x) => Scalar(HostLossAndGradient(x));

    /// <summary>The loss on the bound rows <paramref name="x"/> is.</summary>
    public Tensor Loss(Tensor x) => Scalar(HostLoss(x));

    /// <summary><see cref="LossAndGradient"/>'s loss as a number (exactly the dtype's value), making no tensor.</summary>
    public abstract double HostLossAndGradient(Tensor x);

    /// <summary><see cref="Loss"/> as a number, making no tensor.</summary>
    public abstract double HostLoss(Tensor x);

    /// <summary>A 0-dim tensor of the run's dtype holding the loss.</summary>
    protected abstract Tensor Scalar(double loss);

    private sealed class Typed<T>(Architecture architecture, Criterion criterion) : PortableHostStep
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        private (Tensor Key, T[] X, T[] Y)[] _rows = [];
        private T[] _scratch = [];
        private PortableMlp<T>? _mlp; // for hidden layers, and the losses other than MSE
        private readonly T[] _parameters = new T[architecture.ParameterCount], _gradient = new T[architecture.ParameterCount];
        private HostView<T>? _values, _gradients; // the parameters' buffers: no garbage per step

        public override void Bind(TrainingSplit data, FlatParameters parameters)
        {
            static T[] Values(Tensor t)
            {
                using var values = t.data<T>();
                return values.ToArray();
            }
            _rows = data.ValX is null
                ? [(data.X, Values(data.X), Values(data.Y))]
                : [(data.X, Values(data.X), Values(data.Y)), (data.ValX, Values(data.ValX), Values(data.ValY!))];
            int most = _rows.Max(r => r.Y.Length);
            if (architecture.IsLinear && criterion.Function == LossFunction.Mse)
                _scratch = new T[PortableLinear<T>.ScratchLength(most)];
            else
                _mlp = new PortableMlp<T>(architecture, criterion, most);
            (_values, _gradients) = (new HostView<T>(parameters.Values), new HostView<T>(parameters.Grad));
        }

        public override void Dispose()
        {
            _values?.Dispose();
            _gradients?.Dispose();
        }

        public override bool Holds(Tensor x)
        {
            foreach (var (key, _, _) in _rows)
            {
                if (ReferenceEquals(key, x))
                    return true;
            }
            return false;
        }

        public override double HostLossAndGradient(Tensor x)
        {
            var (xs, ys) = Rows(x);
            _values!.Span.CopyTo(_parameters);
            T loss = _mlp is not null
                ? _mlp.LossAndGradient(xs, ys, _parameters, _gradient)
                : PortableLinear<T>.LossAndGradient(xs, ys, _parameters[0], _parameters[1], _parameters[2], _gradient, _scratch);
            _gradient.CopyTo(_gradients!.Span);
            return double.CreateTruncating(loss);
        }

        public override double HostLoss(Tensor x)
        {
            var (xs, ys) = Rows(x);
            _values!.Span.CopyTo(_parameters);
            return double.CreateTruncating(_mlp is not null
                ? _mlp.Loss(xs, ys, _parameters)
                : PortableLinear<T>.Loss(xs, ys, _parameters[0], _parameters[1], _parameters[2], _scratch));
        }

        private (T[] X, T[] Y) Rows(Tensor x)
        {
            foreach (var (key, xs, ys) in _rows) // a loop, not a lambda: a closure would be garbage every step
            {
                if (ReferenceEquals(key, x))
                    return (xs, ys);
            }
            throw new ArgumentException("not the bound data", nameof(x));
        }

        protected override Tensor Scalar(double loss) => typeof(T) == typeof(double) ? tensor(loss, float64) : tensor((float)loss, float32);
    }
}
