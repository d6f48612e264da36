using TorchSharp;
using static TorchSharp.torch;

namespace AddMlp.Gpu;

/// <summary>
/// An epoch's loss and validation loss as its step made them: tensors (read on the host only when asked, so
/// that a GPU is not made to wait), or numbers, when the step ran on the host and made no tensor at all.
/// </summary>
internal readonly struct EpochOutcome
{
    private readonly Tensor? _loss, _valLoss;
    private readonly double _hostLoss;
    private readonly double? _hostValLoss;

    public EpochOutcome(Tensor loss, Tensor? valLoss) => (_loss, _valLoss) = (loss, valLoss);

    public EpochOutcome(double loss, double? valLoss) => (_hostLoss, _hostValLoss) = (loss, valLoss);

    public bool HasValidation => _valLoss is not null || _hostValLoss is not null;

    /// <summary>The tensors, where the step made them (null: it ran on the host).</summary>
    public (Tensor Loss, Tensor? ValLoss)? Tensors => _loss is null ? null : (_loss, _valLoss);

    public double Loss() => _loss?.ToDouble() ?? _hostLoss;

    public double? ValLoss() => _valLoss?.ToDouble() ?? _hostValLoss;
}
