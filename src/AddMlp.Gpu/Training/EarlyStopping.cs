using static TorchSharp.torch;

namespace AddMlp.Gpu;

/// <summary>
/// Early stopping as PyTorch Lightning's EarlyStopping(monitor="val_loss", mode="min", min_delta=0) does
/// it: an epoch improves when its validation loss is strictly below the best so far; after
/// <c>patience</c> epochs without one the run stops, and the best epoch's weights are put back.
/// </summary>
internal sealed class EarlyStopping : IDisposable
{
    private readonly int _patience;
    private readonly FlatParameters _parameters;
    private readonly Tensor _weights;
    private double _loss = double.PositiveInfinity;
    private int _epoch = -1; // 0-based

    /// <summary>Early stopping with the run's patience; null when it has none.</summary>
    public static EarlyStopping? For(TrainOptions options, FlatParameters parameters, ResumePoint? resume) =>
        options.EarlyStop is int patience ? new EarlyStopping(patience, parameters, resume) : null;

    private EarlyStopping(int patience, FlatParameters parameters, ResumePoint? resume)
    {
        (_patience, _parameters) = (patience, parameters);
        _weights = parameters.Values.detach().clone().DetachFromDisposeScope();
        if (resume is null)
            return;
        // Where a resumed run stood: the best epoch is its validation history's first minimum, whose
        // weights the resume point keeps.
        double[] history = resume.ValLosses ?? throw new ArgumentException("early stopping needs the run's validation history");
        for (int epoch = 0; epoch < history.Length; epoch++)
        {
            if (history[epoch] < _loss)
                (_loss, _epoch) = (history[epoch], epoch);
        }
        double[] weights = resume.State.BestWeights ?? throw new ArgumentException("a resumed run with early stopping needs its best weights");
        using var scope = NewDisposeScope();
        using (no_grad())
            _weights.copy_(tensor(weights, dtype: float64).to(_weights.dtype).to(_weights.device));
    }

    /// <summary>The 1-based epoch whose weights are kept, or null before the first.</summary>
    public int? Epoch => _epoch < 0 ? null : _epoch + 1;

    /// <summary>The kept weights on the host, state_dict order.</summary>
    public double[] Weights()
    {
        using var scope = NewDisposeScope();
        return _weights.to(float64).cpu().data<double>().ToArray();
    }

    /// <summary>Takes in an epoch's validation loss; true when the run should stop (and then the best weights are back in place).</summary>
    public bool StopAfter(int epoch, double validationLoss)
    {
        using var noGrad = no_grad();
        if (validationLoss < _loss)
        {
            (_loss, _epoch) = (validationLoss, epoch);
            _weights.copy_(_parameters.Values);
            return false;
        }
        if (epoch - _epoch < _patience)
            return false;
        _parameters.Values.copy_(_weights);
        return true;
    }

    public void Dispose() => _weights.Dispose();
}
