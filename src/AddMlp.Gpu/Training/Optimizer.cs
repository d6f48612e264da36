namespace AddMlp.Gpu;

/// <summary>The optimizers addmlp offers (see <see cref="IStepOptimizer"/>), as torch.optim has them (written "adam", "adamw", "sgd").</summary>
public enum Optimizer
{
    Adam,
    AdamW,
    /// <summary>With optional momentum (no dampening, no Nesterov).</summary>
    Sgd,
}
