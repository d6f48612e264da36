namespace AddMlp.Gpu;

/// <summary>
/// Progress report for a 1-based epoch: its training loss (the forward pass before its optimizer step;
/// with minibatches, the sample-weighted mean over the epoch) and, with a validation split, the
/// validation loss after the epoch's updates.
/// </summary>
public sealed record EpochLoss(int Epoch, double Loss, double? ValLoss = null);
