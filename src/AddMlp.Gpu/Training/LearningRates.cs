namespace AddMlp.Gpu;

/// <summary>How the learning rate changes from epoch to epoch (written "constant", "step", "cosine").</summary>
public enum LrSchedule
{
    /// <summary>The same every epoch.</summary>
    Constant,

    /// <summary>torch.optim.lr_scheduler.StepLR: times <see cref="TrainOptions.LrGamma"/> every <see cref="TrainOptions.LrStepSize"/> epochs.</summary>
    Step,

    /// <summary>torch.optim.lr_scheduler.CosineAnnealingLR with T_max = the run's epochs, down to <see cref="TrainOptions.LrMin"/>.</summary>
    Cosine,
}

/// <summary>
/// Every epoch's learning rate, as torch.optim.lr_scheduler computes it when stepped once per epoch:
/// its recursive ("chainable") formulas, each epoch's rate from the one before, in doubles, so the rates
/// are PyTorch's to the bit (the cosine from the C library, as Python's math.cos).
/// </summary>
public static class LearningRates
{
    /// <summary>The rate epoch 0, 1, ..., Epochs - 1 trains with, made as they are asked for.</summary>
    public static IEnumerable<double> For(TrainOptions options)
    {
        double baseRate = options.LearningRate, min = options.LrMin, rate = baseRate;
        int total = options.Epochs;
        for (int epoch = 0; epoch < total; epoch++)
        {
            if (epoch > 0)
            {
                rate = options.LrSchedule switch
                {
                    LrSchedule.Step => epoch % (options.LrStepSize ?? int.MaxValue) == 0 ? rate * options.LrGamma : rate,
                    // CosineAnnealingLR.get_lr; its other branch, (epoch - 1 - T_max) % (2 T_max) == 0, is first met after the run
                    LrSchedule.Cosine => (1 + Math.Cos(Math.PI * epoch / total)) / (1 + Math.Cos(Math.PI * (epoch - 1) / total)) * (rate - min) + min,
                    _ => rate,
                };
            }
            yield return rate;
        }
    }
}
