using System.Numerics;
using TorchSharp;
using static TorchSharp.torch;

namespace AddMlp.Gpu;

/// <summary>
/// PyTorch's Adam, AdamW and SGD (momentum, weight decay) and clip_grad_norm_ for parameters on the CPU:
/// a loop over the parameters in <typeparamref name="T"/> (the network's dtype), torch.optim's formulas in
/// its order with the roundings of libtorch's CPU kernels on an AVX2 or AVX-512 processor (a fused
/// multiply-add where they fuse one: <c>add_(x, alpha)</c>, <c>addcmul_</c>). Every operation is IEEE
/// arithmetic (fused multiply-add and square root included), so every processor computes the same bits;
/// and a network's few hundred parameters take less time here than a dozen tensor ops.
/// </summary>
internal sealed class HostOptimizer<T> : IStepOptimizer
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private const double Beta1 = 0.9, Beta2 = 0.999, Eps = 1e-8, ClipEps = 1e-6;

    private readonly FlatParameters _p;
    private readonly Optimizer _kind;
    private readonly double _weightDecay;
    private readonly double? _clipGradNorm;
    private double _lr, _beta1 = Beta1, _momentum; // a schedule sets them (SetRate); _beta1 is Adam's, _momentum SGD's
    private readonly T[] _param, _grad;
    private readonly T[]? _expAvg, _expAvgSq; // adam, adamw
    private T[]? _momentumBuffer;             // sgd with momentum, made on the first step
    private long _step;
    private (long Step, T[][] Buffers, bool HadMomentumBuffer)? _mark;

    // The buffers' memory, read and written every step (HostView: no garbage per step).
    private readonly HostView<T> _values, _gradients;

    public HostOptimizer(FlatParameters parameters, TrainOptions options)
    {
        (_p, _kind, _lr, _weightDecay, _momentum) = (parameters, options.Optimizer, options.LearningRate, options.EffectiveWeightDecay, options.Momentum);
        _clipGradNorm = options.ClipGradNorm;
        long count = parameters.Values.shape[0];
        (_param, _grad) = (new T[count], new T[count]);
        if (_kind is Optimizer.Adam or Optimizer.AdamW)
            (_expAvg, _expAvgSq) = (new T[count], new T[count]);
        (_values, _gradients) = (new HostView<T>(parameters.Values), new HostView<T>(parameters.Grad));
    }

    private static T Of(double value) => T.CreateTruncating(value);

    public void Step()
    {
        _values.Span.CopyTo(_param);
        _gradients.Span.CopyTo(_grad);
        _step++;
        if (_clipGradNorm is double max)
            ClipGradNorm(max);
        if (_kind == Optimizer.Sgd)
            Sgd();
        else
            Adam();
        _param.CopyTo(_values.Span);
    }

    /// <summary>torch.optim.SGD (dampening 0, no nesterov).</summary>
    private void Sgd()
    {
        T decay = Of(_weightDecay), momentum = Of(_momentum), negLr = Of(-_lr);
        bool firstBuffer = _momentum != 0 && _momentumBuffer is null;
        if (firstBuffer)
            _momentumBuffer = new T[_param.Length];
        for (int i = 0; i < _param.Length; i++)
        {
            T g = _grad[i];
            if (_weightDecay != 0)
                g = T.FusedMultiplyAdd(_param[i], decay, g);           // grad.add(param, alpha=weight_decay)
            if (_momentum != 0)
            {
                T[] buffer = _momentumBuffer!;
                buffer[i] = firstBuffer ? g : buffer[i] * momentum + g;  // clone(grad); then buf.mul_(momentum).add_(grad)
                g = buffer[i];
            }
            _param[i] = T.FusedMultiplyAdd(g, negLr, _param[i]);       // param.add_(grad, alpha=-lr)
        }
    }

    /// <summary>torch.optim.Adam / AdamW, single-tensor.</summary>
    private void Adam()
    {
        // The step's factors in double, as Python computes them, then in T as libtorch takes a Scalar.
        double biasCorrection1 = 1 - Math.Pow(_beta1, _step); // with the beta1 of this step, as torch.optim.Adam reads param_groups' betas
        double biasCorrection2 = 1 - Math.Pow(Beta2, _step);
        T beta1 = Of(_beta1), oneMinusBeta1 = Of(1 - _beta1), beta2 = Of(Beta2), oneMinusBeta2 = Of(1 - Beta2), eps = Of(Eps);
        T correction2Sqrt = Of(Math.Sqrt(biasCorrection2)), stepSize = Of(-(_lr / biasCorrection1));
        T adamWDecay = Of(1 - _lr * _weightDecay), decay = Of(_weightDecay);
        T[] expAvg = _expAvg!, expAvgSq = _expAvgSq!;
        for (int i = 0; i < _param.Length; i++)
        {
            T g = _grad[i];
            if (_kind == Optimizer.AdamW)
                _param[i] *= adamWDecay;                                             // param.mul_(1 - lr * weight_decay)
            else if (_weightDecay != 0)
                g = T.FusedMultiplyAdd(_param[i], decay, g);                         // grad.add(param, alpha=weight_decay)
            expAvg[i] = T.FusedMultiplyAdd(g, oneMinusBeta1, expAvg[i] * beta1);     // exp_avg.mul_(beta1).add_(grad, alpha=1 - beta1)
            expAvgSq[i] = T.FusedMultiplyAdd(oneMinusBeta2 * g, g, expAvgSq[i] * beta2); // exp_avg_sq.mul_(beta2).addcmul_(grad, grad, value=1 - beta2)
            T denom = T.Sqrt(expAvgSq[i]) / correction2Sqrt + eps;                   // (exp_avg_sq.sqrt() / bias_correction2_sqrt).add_(eps)
            _param[i] += stepSize * expAvg[i] / denom;                               // param.addcdiv_(exp_avg, denom, value=-step_size)
        }
    }

    /// <summary>
    /// torch.nn.utils.clip_grad_norm_ (2-norm), its formulas in its order: each parameter's gradient norm,
    /// the norm of those, max / (total + 1e-6) (as PyTorch divides a number by a tensor: its reciprocal,
    /// times the number), clamped to at most 1, every gradient times that. The squares are summed in
    /// double, in order.
    /// </summary>
    private void ClipGradNorm(double max)
    {
        double totalSquares = 0;
        foreach (var (offset, length) in _p.Spans)
        {
            double squares = 0;
            for (long i = offset; i < offset + length; i++)
                squares += double.CreateTruncating(_grad[i]) * double.CreateTruncating(_grad[i]);
            double norm = double.CreateTruncating(Of(Math.Sqrt(squares)));
            totalSquares += norm * norm;
        }
        T total = Of(Math.Sqrt(totalSquares));
        T coefficient = T.Min(T.One / (total + Of(ClipEps)) * Of(max), T.One);
        for (int i = 0; i < _grad.Length; i++)
            _grad[i] *= coefficient;
    }

    public void SetRate(EpochRate rate)
    {
        _lr = rate.Lr;
        if (rate.Momentum is not double momentum)
            return;
        if (_kind == Optimizer.Sgd)
            _momentum = momentum;
        else
            _beta1 = momentum;
    }

    public (long Step, Dictionary<string, double[]> Buffers) Export()
    {
        var buffers = new Dictionary<string, double[]>();
        foreach (var (name, buffer) in Named())
            buffers[name] = [.. buffer.Select(double.CreateTruncating)];
        return (_step, buffers);
    }

    public void Restore(long step, IReadOnlyDictionary<string, double[]> buffers)
    {
        T[] Values(string name) => [.. buffers[name].Select(Of)];
        _step = step;
        if (_kind == Optimizer.Sgd)
        {
            if (buffers.ContainsKey(OptimizerBuffers.MomentumBuffer))
                _momentumBuffer = Values(OptimizerBuffers.MomentumBuffer);
            return;
        }
        Values(OptimizerBuffers.ExpAvg).CopyTo(_expAvg!, 0);
        Values(OptimizerBuffers.ExpAvgSq).CopyTo(_expAvgSq!, 0);
    }

    public void Mark() => _mark = (_step, [.. Named().Select(b => (T[])b.Buffer.Clone())], _momentumBuffer is not null);

    public void Rewind()
    {
        if (_mark is not { } mark)
            throw new InvalidOperationException("Rewind without Mark");
        _step = mark.Step;
        if (_kind == Optimizer.Sgd && !mark.HadMomentumBuffer)
        {
            _momentumBuffer = null; // it was made after the mark, by the epoch's first step
            return;
        }
        T[][] current = [.. Named().Select(b => b.Buffer)];
        for (int i = 0; i < current.Length; i++)
            mark.Buffers[i].CopyTo(current[i], 0);
    }

    private IEnumerable<(string Name, T[] Buffer)> Named() => OptimizerBuffers.Named(_expAvg, _expAvgSq, _momentumBuffer);

    public void Dispose()
    {
        _values.Dispose();
        _gradients.Dispose();
    }
}
