using TorchSharp;
using static TorchSharp.torch;

namespace AddMlp.Gpu;

/// <summary>
/// Per-epoch records kept on the training device — loss, validation loss, and for the linear model its
/// weights — so that recording an epoch never makes a GPU wait for the host. Read back in one copy.
/// The records grow as epochs run (doubling), so a huge --epochs that is stopped early costs nothing.
/// </summary>
internal sealed class TrainingHistory : IDisposable
{
    private const int InitialEpochs = 1024;

    private readonly int _epochs;
    private readonly FlatParameters _parameters;
    private Tensor _loss;
    private Tensor? _valLoss;
    private Tensor? _weights; // [epochs, 3]: w0, w1, b after each epoch (linear model only)

    public TrainingHistory(int epochs, bool validation, FlatParameters parameters, Architecture architecture, Device device, ScalarType dtype)
    {
        _epochs = epochs;
        int capacity = Math.Min(epochs, InitialEpochs);
        _loss = zeros(capacity, dtype: dtype, device: device);
        _valLoss = validation ? zeros(capacity, dtype: dtype, device: device) : null;
        _parameters = parameters;
        _weights = architecture.IsLinear ? zeros(capacity, 3, dtype: dtype, device: device) : null;
    }

    /// <summary>Stores one epoch's results, on the device. Call it under the training loop's dispose scope, which takes the views it makes.</summary>
    public void Record(int epoch, Tensor loss, Tensor? valLoss)
    {
        if (epoch >= _loss.shape[0])
            Grow(Math.Min(_epochs, Math.Max(epoch + 1, 2 * (int)_loss.shape[0])));
        using var noGrad = no_grad(); // the loss belongs to the step's graph; its value is all that is kept
        _loss[epoch].copy_(loss);
        if (valLoss is not null)
            _valLoss![epoch].copy_(valLoss);
        if (_weights is not null)
            _weights[epoch].copy_(_parameters.Values); // the linear model's buffer is [w0, w1, b]
    }

    private void Grow(int capacity)
    {
        _loss = Grown(_loss, capacity);
        _valLoss = _valLoss is null ? null : Grown(_valLoss, capacity);
        _weights = _weights is null ? null : Grown(_weights, capacity);
    }

    /// <summary>A longer copy of <paramref name="records"/> (which is disposed), outside any dispose scope.</summary>
    private static Tensor Grown(Tensor records, int capacity)
    {
        long[] shape = [capacity, .. records.shape.Skip(1)];
        Tensor bigger = zeros(shape, dtype: records.dtype, device: records.device).DetachFromDisposeScope();
        using (NewDisposeScope())
        using (no_grad())
            bigger.narrow(0, 0, records.shape[0]).copy_(records);
        records.Dispose();
        return bigger;
    }

    /// <summary>The 0-based index of the first NaN or infinite loss in epochs [from, to), or null.</summary>
    public int? FirstNonFinite(int from, int to)
    {
        using var scope = NewDisposeScope();
        Tensor window = _loss.narrow(0, from, to - from);
        if (window.isfinite().all().item<bool>())
            return null;
        return from + (int)window.isfinite().logical_not().nonzero()[0, 0].item<long>();
    }

    /// <summary>The first <paramref name="epochs"/> records, on the host.</summary>
    public (double[] Loss, double[]? ValLoss, double[]? WeightError) ToHost(int epochs)
    {
        using var scope = NewDisposeScope();
        double[] Host(Tensor t) => t.narrow(0, 0, epochs).to(float64).cpu().data<double>().ToArray();
        double[]? weightError = null;
        if (_weights is not null)
        {
            weightError = Host(ExactRule.Distances(_weights)); // every epoch at once
        }
        return (Host(_loss), _valLoss is null ? null : Host(_valLoss), weightError);
    }

    public void Dispose()
    {
        _loss.Dispose();
        _valLoss?.Dispose();
        _weights?.Dispose();
    }
}
