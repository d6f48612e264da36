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
    private readonly Criterion _criterion;

    public TrainingStep(Sequential model, FlatParameters parameters, TrainOptions options, Kernels kernels)
    {
        (_model, _parameters, _criterion) = (model, parameters, Criterion.Of(options));
        _portable = kernels == Kernels.Portable ? PortableNetwork.Over(options.Architecture, parameters, _criterion) : null;
        Optimizer = IStepOptimizer.For(parameters, options);
    }

    public IStepOptimizer Optimizer { get; }

    /// <summary>Data ([n, k]) laid out as this step's kernels take it: as it is for native ones, feature-major ([k, n]) for portable ones.</summary>
    public Tensor Layout(Tensor samples) => _portable is null ? samples : PortableNetwork.FeatureMajor(samples);

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
        if (_portable is not null)
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

    /// <summary>The run's loss on (x, y), laid out by <see cref="Layout"/>, without a step: the validation loss.</summary>
    public Tensor Loss(Tensor x, Tensor y)
    {
        if (_portable is not null)
            return _portable.Loss(x, y);
        using var noGrad = no_grad();
        return _criterion.Native(_model.forward(x), y);
    }

    public void Dispose()
    {
        _portable?.Dispose();
        Optimizer.Dispose();
    }
}
