using System.Text.Json.Serialization;

namespace AddMlp.Gpu;

/// <summary>
/// Everything a training run depends on. The defaults are the tutorial's. The model file's "training"
/// block holds these under the names given here, beside <see cref="TrainingOutcome"/>'s.
/// </summary>
public sealed record TrainOptions
{
    /// <summary>auto (CUDA if available, else the CPU), cpu, cuda or cuda:N.</summary>
    [JsonPropertyName("device_requested")]
    public string Device { get; init; } = "auto";

    [JsonPropertyName("lr")]
    public double LearningRate { get; init; } = 0.1;

    /// <summary>How the learning rate changes over the epochs (<see cref="LearningRates"/>).</summary>
    public LrSchedule LrSchedule { get; init; } = LrSchedule.Constant;

    /// <summary>Step schedule: epochs between decays (StepLR's step_size).</summary>
    public int? LrStepSize { get; init; }

    /// <summary>Step schedule: the factor of each decay (StepLR's gamma).</summary>
    public double LrGamma { get; init; } = 0.1;

    /// <summary>Cosine schedule: the rate it anneals to (CosineAnnealingLR's eta_min).</summary>
    public double LrMin { get; init; }

    /// <summary>One-cycle schedule: the fraction of the epochs spent warming up to <see cref="LearningRate"/> (OneCycleLR's pct_start).</summary>
    public double LrPctStart { get; init; } = 0.3;

    /// <summary>One-cycle schedule: the first epoch's rate is <see cref="LearningRate"/> / this (OneCycleLR's div_factor).</summary>
    public double LrDivFactor { get; init; } = 25;

    /// <summary>One-cycle schedule: the last epoch's rate is the first's / this (OneCycleLR's final_div_factor).</summary>
    public double LrFinalDivFactor { get; init; } = 1e4;

    /// <summary>One-cycle schedule: the momentum (Adam's beta1, SGD's momentum) at the peak rate (OneCycleLR's base_momentum).</summary>
    public double LrBaseMomentum { get; init; } = 0.85;

    /// <summary>One-cycle schedule: the momentum at the first and last epochs (OneCycleLR's max_momentum); equal to <see cref="LrBaseMomentum"/>, a fixed momentum.</summary>
    public double LrMaxMomentum { get; init; } = 0.95;

    public int Epochs { get; init; } = 500;

    public long Seed { get; init; } = 42;

    public int Samples { get; init; } = 1000;

    /// <summary>Written at the model file's top level, not in its training block.</summary>
    [JsonIgnore]
    public Architecture Architecture { get; init; } = Architecture.Linear;

    /// <summary>Standard deviation of Gaussian noise added to the training labels (0: clean labels).</summary>
    public double Noise { get; init; }

    /// <summary>Training inputs are uniform in this range (written [LO, HI]).</summary>
    [JsonConverter(typeof(InputRangePairConverter))]
    public InputRange Range { get; init; } = InputRange.Unit;

    public Optimizer Optimizer { get; init; } = Optimizer.Adam;

    /// <summary>SGD momentum (sgd only).</summary>
    public double Momentum { get; init; }

    /// <summary>Weight decay; null takes the optimizer's PyTorch default (<see cref="EffectiveWeightDecay"/>).</summary>
    public double? WeightDecay { get; init; }

    /// <summary>Before each step, scale the gradients so that their total 2-norm is at most this (torch.nn.utils.clip_grad_norm_); null: no clipping.</summary>
    public double? ClipGradNorm { get; init; }

    /// <summary>Minibatch size; null trains on the full batch each epoch.</summary>
    public int? BatchSize { get; init; }

    /// <summary>Written at the model file's top level, not in its training block.</summary>
    [JsonIgnore]
    public DType DType { get; init; } = DType.Float32;

    /// <summary>Stop as soon as an epoch's loss is at or below this.</summary>
    public double? TargetLoss { get; init; }

    /// <summary>
    /// Early stopping: end the run when the validation loss has not improved (strictly) for this many
    /// epochs, and keep the weights of its best epoch (needs <see cref="ValFraction"/>); null: off.
    /// </summary>
    public int? EarlyStop { get; init; }

    /// <summary>Fraction of the samples held out for validation (0: none).</summary>
    public double ValFraction { get; init; }

    /// <summary>
    /// How the forward and backward passes are computed (<see cref="AddMlp.Gpu.Kernels"/>); null: portable on
    /// the CPU, native on a GPU. A run's result records the kernels it used.
    /// </summary>
    public Kernels? Kernels { get; init; }

    /// <summary>CPU threads for libtorch; null chooses from the work (<see cref="Trainer.ThreadsFor"/>).</summary>
    public int? Threads { get; init; }

    /// <summary>The weight decay the run uses: <see cref="WeightDecay"/>, else PyTorch's default (0.01 for AdamW, 0 otherwise).</summary>
    [JsonIgnore]
    public double EffectiveWeightDecay => WeightDecay ?? (Optimizer == Optimizer.AdamW ? 0.01 : 0);

    /// <summary>
    /// Whether SGD keeps a momentum buffer: with <see cref="Momentum"/>, or with the one-cycle schedule,
    /// which sets the momentum itself and starts at <see cref="LrMaxMomentum"/> (torch.optim.SGD makes
    /// the buffer at the first step whose momentum is not 0).
    /// </summary>
    [JsonIgnore]
    public bool KeepsMomentumBuffer => Optimizer == Optimizer.Sgd && (LrSchedule == LrSchedule.Onecycle ? LrMaxMomentum != 0 : Momentum != 0);

    /// <summary>Samples held out for validation.</summary>
    [JsonIgnore]
    public int ValidationSamples => (int)Math.Floor(Samples * ValFraction);

    [JsonIgnore]
    public int TrainingSamples => Samples - ValidationSamples;
}
