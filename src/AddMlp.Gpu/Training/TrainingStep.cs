using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AddMlp.Gpu;

/// <summary>
/// One optimizer step as a run's kernels compute it: the forward pass, the loss (<see cref="Criterion"/>) and the
/// gradients — portable: <see cref="PortableNetwork"/>; native: the network's own forward, libtorch's loss and autograd's
/// backward — then the optimizer's update (<see cref="IStepOptimizer"/>).
/// </summary>
internal sealed class TrainingStep : IDisposable
{
    private readonly Sequential _model;
    private readonly FlatParameters _parameters;
    private readonly PortableNetwork? _portable;
    private readonly PortableHostStep? _linear;
    private readonly Criterion _criterion;

    public TrainingStep(Sequential model, FlatParameters parameters, TrainOptions options, Kernels kernels)
    {
        (_model, _parameters, _criterion) = (model, parameters, Criterion.Of(options));
        _portable = kernels == Kernels.Portable ? PortableNetwork.Over(options.Architecture, parameters, _criterion) : null;
        _linear = PortableHostStep.For(options, kernels);
        Optimizer = IStepOptimizer.For(parameters, options);
    }

    public IStepOptimizer Optimizer { get; }

    /// <summary>Data ([n, k]) laid out as this step's kernels take it: as it is for native ones, feature-major ([k, n]) for portable ones.</summary>
    public Tensor Layout(Tensor samples) => _portable is null ? samples : PortableNetwork.FeatureMajor(samples);

    /// <summary>
    /// The run's data where it trains, laid out for this step's kernels (<see cref="TrainingSplit.Create"/>); the
    /// tutorial's network with the portable kernels then steps on its full batch in managed code (<see cref="PortableHostStep"/>).
    /// </summary>
    public TrainingSplit Split(Tensor x, Tensor y, int validationRows, Device device, ScalarType dtype)
    {
        TrainingSplit data = TrainingSplit.Create(x, y, validationRows, device, dtype, Layout);
        _linear?.Bind(data, _parameters);
        return data;
    }

    /// <summary>The given samples of data laid out by <see cref="Layout"/>.</summary>
    public Tensor Select(Tensor data, Tensor samples) => data.index_select(_portable is null ? 0 : 1, samples);

    /// <summary>How many samples data laid out by <see cref="Layout"/> holds.</summary>
    public long Count(Tensor data) => data.shape[_portable is null ? 0 : 1];

    /// <summary>
    /// One optimizer step on (x, y), laid out by <see cref="Layout"/>; returns the loss of its forward pass. With native kernels the loss still
    /// belongs to the (spent) autograd graph: compute with it under no_grad, or detach it to keep it.
    /// </summary>
    public Tensor Run(Tensor x, Tensor y)
    {
        Tensor loss;
        if (_linear is not null && _linear.Holds(x))
        {
            loss = _linear.LossAndGradient(x);
        }
        else if (_portable is not null)
        {
            loss = _portable.LossAndGradient(x, y, _parameters.Grad);
        }
        else
        {
            _parameters.ZeroGrad();
            loss = _criterion.Native(_model.forward(x), y);
            loss.backward();
        }
        Optimizer.Step();
        return loss;
    }

    /// <summary>Whether a full-batch epoch on <paramref name="data"/> runs on the host (<see cref="RunOnHost"/>).</summary>
    public bool RunsOnHost(TrainingSplit data) => _linear is not null && _linear.Holds(data.X);

    /// <summary>
    /// A full-batch epoch on the host, making no tensor: the step on the training rows and then the
    /// validation loss, as <see cref="Run"/> and <see cref="Loss"/> compute them.
    /// </summary>
    public EpochOutcome RunOnHost(TrainingSplit data)
    {
        double loss = _linear!.HostLossAndGradient(data.X);
        Optimizer.Step();
        return new EpochOutcome(loss, data.ValX is null ? null : _linear.HostLoss(data.ValX));
    }

    /// <summary>The run's loss on (x, y), laid out by <see cref="Layout"/>, without a step: the validation loss.</summary>
    public Tensor Loss(Tensor x, Tensor y)
    {
        if (_linear is not null && _linear.Holds(x))
            return _linear.Loss(x);
        if (_portable is not null)
            return _portable.Loss(x, y);
        using var noGrad = no_grad();
        return _criterion.Native(_model.forward(x), y);
    }

    public void Dispose()
    {
        _portable?.Dispose();
        _linear?.Dispose();
        Optimizer.Dispose();
    }
}
