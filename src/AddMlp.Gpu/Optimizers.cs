namespace AddMlp.Gpu;

/// <summary>The optimizers addmlp offers (see <see cref="StepOptimizer"/>), with PyTorch's defaults.</summary>
public static class Optimizers
{
    public static IReadOnlyList<string> Names { get; } = ["adam", "adamw", "sgd"];

    /// <summary>The weight decay a run uses: the option, or the optimizer's PyTorch default.</summary>
    public static double WeightDecay(TrainOptions options) => options.WeightDecay ?? (options.Optimizer == "adamw" ? 0.01 : 0);
}
