using TorchSharp;
using static TorchSharp.torch;

namespace AddMlp.Gpu;

/// <summary>
/// PyTorch's Adam, AdamW and SGD (momentum, weight decay) for parameters on a GPU, written over
/// <see cref="FlatParameters"/> as tensor ops with the same formulas in the same order as torch.optim's
/// single-tensor implementations, so that a step never waits for the device; a third of the ops
/// torch.optim takes. On the CPU, <see cref="HostOptimizer{T}"/> does the same in a loop (the tests
/// check that the two agree).
/// </summary>
internal sealed class DeviceOptimizer : IStepOptimizer
{
    private const double Beta1 = 0.9, Beta2 = 0.999, Eps = 1e-8;

    private readonly FlatParameters _p;
    private readonly Optimizer _kind;
    private readonly double _weightDecay;
    private double _lr, _beta1 = Beta1, _momentum; // a schedule sets them (SetRate); _beta1 is Adam's, _momentum SGD's
    private readonly Scalar? _clipGradNorm;
    private readonly Tensor? _expAvg, _expAvgSq, _denom; // adam, adamw
    private readonly Tensor? _wide;                      // adam, adamw on float32: exp_avg_sq in float64, for its square root (see Step)
    // The constant factors as native scalars made once: a double passed where TorchSharp takes a Scalar
    // becomes a native object that nothing disposes (TorchSharp issue #1434), left to the finalizer
    // thread, a few per op and every step.
    // _decay is AdamW's factor 1 - lr * weight_decay, or Adam's and SGD's weight decay added to the gradient.
    private readonly Scalar _beta2, _oneMinusBeta2, _eps;
    private Scalar _negLr, _decay, _beta1Factor, _oneMinusBeta1, _momentumFactor; // they follow the schedule (SetRate)
    private Tensor? _momentumBuffer;                      // sgd with momentum, made on the first step
    private long _step;
    private (long Step, Tensor[] Buffers)? _mark;         // see Mark

    public DeviceOptimizer(FlatParameters parameters, TrainOptions options)
    {
        (_p, _kind, _lr, _weightDecay, _momentum) = (parameters, options.Optimizer, options.LearningRate, options.EffectiveWeightDecay, options.Momentum);
        (_beta1Factor, _oneMinusBeta1, _beta2, _oneMinusBeta2, _eps) = (Beta1, 1 - Beta1, Beta2, 1 - Beta2, Eps);
        (_negLr, _momentumFactor) = (-_lr, _momentum);
        _decay = _kind == Optimizer.AdamW ? 1 - _lr * _weightDecay : _weightDecay;
        _clipGradNorm = options.ClipGradNorm is double max ? max : null;
        if (_kind is Optimizer.Adam or Optimizer.AdamW)
        {
            _expAvg = zeros_like(parameters.Values);
            _expAvgSq = zeros_like(parameters.Values);
            _denom = zeros_like(parameters.Values);
            if (parameters.Values.dtype == ScalarType.Float32)
                _wide = zeros_like(parameters.Values, dtype: ScalarType.Float64);
        }
    }

    public void Step()
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        _step++;
        if (_clipGradNorm is not null)
            ClipGradNorm(_clipGradNorm);
        Tensor param = _p.Values, grad = _p.Grad;
        if (_kind == Optimizer.Sgd)
        {
            // torch.optim.SGD (dampening 0, no nesterov)
            if (_weightDecay != 0)
                grad = grad.add(param, alpha: _decay);
            if (_momentum != 0)
            {
                if (_momentumBuffer is null)
                    _momentumBuffer = grad.clone().DetachFromDisposeScope();
                else
                    _momentumBuffer.mul_(_momentumFactor).add_(grad);
                grad = _momentumBuffer;
            }
            param.add_(grad, alpha: _negLr);
            return;
        }

        // torch.optim.Adam / AdamW, single-tensor
        if (_kind == Optimizer.AdamW)
            param.mul_(_decay);
        else if (_weightDecay != 0)
            grad = grad.add(param, alpha: _decay);
        double biasCorrection1 = 1 - Math.Pow(_beta1, _step); // with the beta1 of this step, as torch.optim.Adam reads param_groups' betas
        double biasCorrection2 = 1 - Math.Pow(Beta2, _step);
        using Scalar correction2Sqrt = Math.Sqrt(biasCorrection2), stepSize = -(_lr / biasCorrection1);
        _expAvg!.mul_(_beta1Factor).add_(grad, alpha: _oneMinusBeta1);
        _expAvgSq!.mul_(_beta2).addcmul_(grad, grad, value: _oneMinusBeta2);
        // denom = exp_avg_sq.sqrt() / bias_correction2_sqrt + eps. libtorch 2.10's float32 sqrt is not
        // correctly rounded (1 ulp off for ~17% of inputs, measured), which PyTorch 1.13's was; the
        // square root of the float64 copy, rounded back to float32, is.
        if (_wide is not null)
            _denom!.copy_(_wide.copy_(_expAvgSq).sqrt_());
        else
            _denom!.copy_(_expAvgSq).sqrt_();
        _denom.div_(correction2Sqrt).add_(_eps);
        param.addcdiv_(_expAvg, _denom, value: stepSize);
    }

    public void SetRate(EpochRate rate)
    {
        if (rate.Lr != _lr)
        {
            _lr = rate.Lr;
            Replace(ref _negLr, -_lr);
            if (_kind == Optimizer.AdamW)
                Replace(ref _decay, 1 - _lr * _weightDecay);
        }
        if (rate.Momentum is not double momentum)
            return;
        if (_kind == Optimizer.Sgd && momentum != _momentum)
        {
            _momentum = momentum;
            Replace(ref _momentumFactor, momentum);
        }
        else if (_kind != Optimizer.Sgd && momentum != _beta1)
        {
            _beta1 = momentum;
            Replace(ref _beta1Factor, momentum);
            Replace(ref _oneMinusBeta1, 1 - momentum);
        }
    }

    private static void Replace(ref Scalar scalar, double value)
    {
        scalar.Dispose();
        scalar = value;
    }

    /// <summary>
    /// torch.nn.utils.clip_grad_norm_ (2-norm), its formulas in its order: each parameter's gradient norm,
    /// the norm of those, max / (total + 1e-6) clamped to at most 1, every gradient times that. Unlike
    /// it, nothing is read back to the host: the step does not wait for the device.
    /// </summary>
    private void ClipGradNorm(Scalar max)
    {
        Tensor total = stack(_p.Spans.Select(s => _p.Grad.narrow(0, s.Offset, s.Length).norm(2.0f)).ToArray()).norm(2.0f);
        Tensor coefficient = total.add(ClipEps).reciprocal_().mul_(max).clamp_max_(ClipMaxCoefficient);
        _p.Grad.mul_(coefficient);
    }

    private static readonly Scalar ClipEps = 1e-6, ClipMaxCoefficient = 1.0;

    public (long Step, Dictionary<string, double[]> Buffers) Export()
    {
        using var scope = NewDisposeScope();
        var buffers = new Dictionary<string, double[]>();
        foreach (var (name, buffer) in Named())
            buffers[name] = buffer.to(float64).cpu().data<double>().ToArray();
        return (_step, buffers);
    }

    public void Restore(long step, IReadOnlyDictionary<string, double[]> buffers)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        Tensor Values(string name) => tensor(buffers[name], dtype: float64).to(_p.Values.dtype).to(_p.Values.device);
        _step = step;
        if (_kind == Optimizer.Sgd)
        {
            if (buffers.ContainsKey(OptimizerBuffers.MomentumBuffer))
                _momentumBuffer = Values(OptimizerBuffers.MomentumBuffer).DetachFromDisposeScope();
            return;
        }
        _expAvg!.copy_(Values(OptimizerBuffers.ExpAvg));
        _expAvgSq!.copy_(Values(OptimizerBuffers.ExpAvgSq));
    }

    public void Mark()
    {
        using var noGrad = no_grad();
        Tensor[] current = [.. Named().Select(b => b.Buffer)];
        if (_mark is { } old && old.Buffers.Length == current.Length)
        {
            for (int i = 0; i < current.Length; i++)
                old.Buffers[i].copy_(current[i]);
            _mark = (_step, old.Buffers);
            return;
        }
        DisposeMark();
        _mark = (_step, [.. current.Select(b => b.clone().DetachFromDisposeScope())]);
    }

    public void Rewind()
    {
        if (_mark is not { } mark)
            throw new InvalidOperationException("Rewind without Mark");
        using var noGrad = no_grad();
        _step = mark.Step;
        if (_kind == Optimizer.Sgd && mark.Buffers.Length == 0)
        {
            _momentumBuffer?.Dispose(); // it was made after the mark, by the epoch's first step
            _momentumBuffer = null;
            return;
        }
        Tensor[] current = [.. Named().Select(b => b.Buffer)];
        for (int i = 0; i < current.Length; i++)
            current[i].copy_(mark.Buffers[i]);
    }

    private IEnumerable<(string Name, Tensor Buffer)> Named() => OptimizerBuffers.Named(_expAvg, _expAvgSq, _momentumBuffer);

    private void DisposeMark()
    {
        foreach (Tensor buffer in _mark?.Buffers ?? [])
            buffer.Dispose();
        _mark = null;
    }

    public void Dispose()
    {
        DisposeMark();
        _expAvg?.Dispose();
        _expAvgSq?.Dispose();
        _denom?.Dispose();
        _wide?.Dispose();
        _momentumBuffer?.Dispose();
        foreach (Scalar s in (Scalar[])[_beta1Factor, _oneMinusBeta1, _beta2, _oneMinusBeta2, _eps, _negLr, _decay, _momentumFactor])
            s.Dispose();
        _clipGradNorm?.Dispose();
    }
}
