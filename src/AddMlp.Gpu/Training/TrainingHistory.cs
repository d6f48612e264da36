using TorchSharp;
using static TorchSharp.torch;

namespace AddMlp.Gpu;

/// <summary>
/// Per-epoch records kept on the training device — loss, validation loss, and for the linear model its
/// weights — so that recording an epoch never makes a GPU wait for the host. Read back in one copy.
/// </summary>
internal sealed class TrainingHistory : IDisposable
{
    private readonly Tensor _loss;
    private readonly Tensor? _valLoss;
    private readonly Tensor? _weights; // [epochs, 3]: w0, w1, b after each epoch (linear model only)
    private readonly FlatParameters _parameters;

    public TrainingHistory(int epochs, bool validation, FlatParameters parameters, Architecture architecture, Device device, ScalarType dtype)
    {
        _loss = zeros(epochs, dtype: dtype, device: device);
        _valLoss = validation ? zeros(epochs, dtype: dtype, device: device) : null;
        _parameters = parameters;
        _weights = architecture.IsLinear ? zeros(epochs, 3, dtype: dtype, device: device) : null;
    }

    /// <summary>Stores one epoch's results, on the device. Call it under the training loop's dispose scope, which takes the views it makes.</summary>
    public void Record(int epoch, Tensor loss, Tensor? valLoss)
    {
        using var noGrad = no_grad(); // the loss belongs to the step's graph; its value is all that is kept
        _loss[epoch].copy_(loss);
        if (valLoss is not null)
            _valLoss![epoch].copy_(valLoss);
        if (_weights is not null)
            _weights[epoch].copy_(_parameters.Values); // the linear model's buffer is [w0, w1, b]
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
