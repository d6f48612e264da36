namespace AddMlp.Gpu;

/// <summary>Progress report: the training loss of a 1-based epoch, before that epoch's optimizer step.</summary>
public sealed record EpochLoss(int Epoch, float Loss);
