namespace AddMlp.Gpu;

/// <summary>
/// What a run holds besides its options, weights and loss history, and needs to continue exactly where
/// it stopped: the optimizer's step count and buffers, and the minibatch shuffling generator.
/// </summary>
public sealed record TrainingState
{
    /// <summary>Optimizer steps taken (one per epoch on the full batch, one per minibatch otherwise).</summary>
    public required long OptimizerStep { get; init; }

    /// <summary>
    /// The optimizer's buffers by torch.optim's names, one value per parameter in state_dict order:
    /// exp_avg and exp_avg_sq (adam, adamw); momentum_buffer (sgd with momentum, once it has stepped).
    /// </summary>
    public required IReadOnlyDictionary<string, double[]> OptimizerBuffers { get; init; }

    /// <summary>The minibatch shuffling generator's state, as libtorch's CPU generator gives it; null on the full batch.</summary>
    public byte[]? ShuffleGenerator { get; init; }

    /// <summary>With early stopping: the weights of the best epoch so far (state_dict order, flat); the epoch itself is the validation history's minimum.</summary>
    public double[]? BestWeights { get; init; }
}
