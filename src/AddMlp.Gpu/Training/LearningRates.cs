namespace AddMlp.Gpu;

/// <summary>How the learning rate changes from epoch to epoch (written "constant", "step", "cosine", "onecycle").</summary>
public enum LrSchedule
{
    /// <summary>The same every epoch.</summary>
    Constant,

    /// <summary>torch.optim.lr_scheduler.StepLR: times <see cref="TrainOptions.LrGamma"/> every <see cref="TrainOptions.LrStepSize"/> epochs.</summary>
    Step,

    /// <summary>torch.optim.lr_scheduler.CosineAnnealingLR with T_max = the run's epochs, down to <see cref="TrainOptions.LrMin"/>.</summary>
    Cosine,

    /// <summary>
    /// torch.optim.lr_scheduler.OneCycleLR with total_steps = the run's epochs (cosine annealing, two
    /// phases): up from lr / <see cref="TrainOptions.LrDivFactor"/> to lr over the first
    /// <see cref="TrainOptions.LrPctStart"/> of the run, then down to that / <see cref="TrainOptions.LrFinalDivFactor"/>;
    /// the momentum (Adam's beta1, SGD's momentum) goes the other way, between
    /// <see cref="TrainOptions.LrMaxMomentum"/> and <see cref="TrainOptions.LrBaseMomentum"/>.
    /// </summary>
    Onecycle,
}

/// <summary>What one epoch trains with: its learning rate and, where the schedule sets it, its momentum (Adam's beta1, SGD's momentum).</summary>
public readonly record struct EpochRate(double Lr, double? Momentum);

/// <summary>
/// Every epoch's learning rate, as torch.optim.lr_scheduler computes it when stepped once per epoch, in
/// doubles and with its own formulas in its own order, so the rates are PyTorch's to the bit (the cosine
/// from the C library, as Python's math.cos): StepLR's and CosineAnnealingLR's recursive ("chainable")
/// forms, each epoch's rate from the one before; OneCycleLR's closed form.
/// </summary>
public static class LearningRates
{
    /// <summary>The rate epoch 0, 1, ..., Epochs - 1 trains with, made as they are asked for.</summary>
    public static IEnumerable<double> For(TrainOptions options) => Schedule(options).Select(epoch => epoch.Lr);

    /// <summary>The rate, and the momentum where the schedule sets one, of epoch 0, 1, ..., Epochs - 1.</summary>
    public static IEnumerable<EpochRate> Schedule(TrainOptions options)
    {
        double baseRate = options.LearningRate, min = options.LrMin, rate = baseRate;
        int total = options.Epochs;
        for (int epoch = 0; epoch < total; epoch++)
        {
            if (options.LrSchedule == LrSchedule.Onecycle)
            {
                yield return OneCycle(options, epoch);
                continue;
            }
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
            yield return new EpochRate(rate, null);
        }
    }

    /// <summary>OneCycleLR.get_lr at step <paramref name="step"/> (three_phase=False, anneal_strategy='cos'), its momentum too.</summary>
    private static EpochRate OneCycle(TrainOptions options, int step)
    {
        double initial = options.LearningRate / options.LrDivFactor, peak = options.LearningRate, final = initial / options.LrFinalDivFactor;
        double warmupEnd = options.LrPctStart * options.Epochs - 1, end = options.Epochs - 1;
        double pct, lr, momentum;
        if (step <= warmupEnd)
        {
            pct = step / warmupEnd;
            (lr, momentum) = (Anneal(initial, peak, pct), Anneal(options.LrMaxMomentum, options.LrBaseMomentum, pct));
        }
        else
        {
            pct = (step - warmupEnd) / (end - warmupEnd);
            (lr, momentum) = (Anneal(peak, final, pct), Anneal(options.LrBaseMomentum, options.LrMaxMomentum, pct));
        }
        return new EpochRate(lr, momentum);
    }

    /// <summary>OneCycleLR._annealing_cos: from <paramref name="start"/> to <paramref name="end"/> as <paramref name="pct"/> goes from 0 to 1.</summary>
    private static double Anneal(double start, double end, double pct) => end + (start - end) / 2.0 * (Math.Cos(Math.PI * pct) + 1);
}
