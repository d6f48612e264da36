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
    public DeviceRequest Device { get; init; } = DeviceRequest.Auto;

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

    /// <summary>Generated training pairs (with <see cref="Data"/>: unused, the file's rows are the samples).</summary>
    public int Samples { get; init; } = 1000;

    /// <summary>Train on this file's measured rows a, b, y instead of generated pairs (null: generated, as the tutorial does).</summary>
    [JsonPropertyName("data")]
    public DataFile? Data { get; init; }

    /// <summary>The rows the run has: the data file's, else <see cref="Samples"/>.</summary>
    [JsonIgnore]
    public int SampleCount => Data is { } file ? (int)file.Rows : Samples;

    /// <summary>Written at the model file's top level, not in its training block.</summary>
    [JsonIgnore]
    public Architecture Architecture { get; init; } = Architecture.Linear;

    /// <summary>Standard deviation of Gaussian noise added to the training labels (0: clean labels).</summary>
    public double Noise { get; init; }

    /// <summary>Training inputs are uniform in this range (written [LO, HI]).</summary>
    [JsonConverter(typeof(InputRangePairConverter))]
    public InputRange Range { get; init; } = InputRange.Unit;

    /// <summary>What the run minimises: the tutorial's MSELoss, or a loss that a few bad labels pull less (<see cref="LossFunction"/>).</summary>
    public LossFunction Loss { get; init; } = LossFunction.Mse;

    /// <summary>huber and smooth_l1: the error at which the loss turns from quadratic to linear (HuberLoss's delta, SmoothL1Loss's beta).</summary>
    public double HuberDelta { get; init; } = 1.0;

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
    public int ValidationSamples => (int)Math.Floor(SampleCount * ValFraction);

    [JsonIgnore]
    public int TrainingSamples => SampleCount - ValidationSamples;

    /// <summary>The most CPU threads a run may ask for.</summary>
    public const int MaxThreads = 1024;

    /// <summary>The bounds of each number option's value (an optional one's, when given).</summary>
    private static readonly (string Option, Func<TrainOptions, double?> Value, Bounds Bounds)[] Limits =
    [
        (nameof(LearningRate), o => o.LearningRate, Bounds.Positive),
        (nameof(LrStepSize), o => o.LrStepSize, Bounds.Counting),
        (nameof(LrGamma), o => o.LrGamma, Bounds.Positive),
        (nameof(LrMin), o => o.LrMin, Bounds.NonNegative),
        (nameof(LrPctStart), o => o.LrPctStart, Bounds.UnitInterval),
        (nameof(LrDivFactor), o => o.LrDivFactor, Bounds.Positive),
        (nameof(LrFinalDivFactor), o => o.LrFinalDivFactor, Bounds.Positive),
        (nameof(LrBaseMomentum), o => o.LrBaseMomentum, Bounds.Fraction),
        (nameof(LrMaxMomentum), o => o.LrMaxMomentum, Bounds.Fraction),
        (nameof(Epochs), o => o.Epochs, Bounds.Counting),
        (nameof(Samples), o => o.Samples, Bounds.Counting),
        (nameof(Noise), o => o.Noise, Bounds.NonNegative),
        (nameof(HuberDelta), o => o.HuberDelta, Bounds.Positive),
        (nameof(Momentum), o => o.Momentum, Bounds.Fraction),
        (nameof(WeightDecay), o => o.WeightDecay, Bounds.NonNegative),
        (nameof(ClipGradNorm), o => o.ClipGradNorm, Bounds.Positive),
        (nameof(BatchSize), o => o.BatchSize, Bounds.Counting),
        (nameof(TargetLoss), o => o.TargetLoss, Bounds.NonNegative),
        (nameof(ValFraction), o => o.ValFraction, Bounds.Fraction),
        (nameof(EarlyStop), o => o.EarlyStop, Bounds.Counting),
        (nameof(Threads), o => o.Threads, new Bounds(1, MinExclusive: false, MaxThreads)),
    ];

    /// <summary>The bounds of a number option's value (<see cref="OptionProblem.Option"/>'s naming), or null for an option that has none.</summary>
    public static Bounds? BoundsOf(string option) => Array.Find(Limits, limit => limit.Option == option).Bounds;

    /// <summary>
    /// What makes these options no run, first things first; empty when they make one. Every rule on a run's
    /// options lives here: <see cref="Trainer"/> refuses options with problems (<see cref="InvalidTrainOptionsException"/>),
    /// and the command line asks before it starts.
    /// </summary>
    public IReadOnlyList<OptionProblem> Problems()
    {
        var problems = new List<OptionProblem>();
        foreach (var (option, value, bounds) in Limits)
        {
            if (value(this) is double v && !bounds.Contains(v))
                problems.Add(OptionProblem.OutOfBounds(option, bounds));
        }
        if (problems.Count > 0)
            return problems; // the rules below assume values within bounds

        if (Momentum != 0 && Unused().FirstOrDefault(p => p.Option == nameof(Momentum)) is { } momentum)
            problems.Add(momentum);
        if (Kernels == AddMlp.Gpu.Kernels.Portable && Device.IsCuda)
            problems.Add(new(nameof(Kernels), $"{{Kernels}} portable runs on the CPU only: use {{Device}} cpu (or auto), or {{Kernels}} native on {Device}"));
        if (LrSchedule == LrSchedule.Step && LrStepSize is null)
            problems.Add(new(nameof(LrStepSize), "{LrSchedule} step decays every N epochs: give {LrStepSize} N too"));
        if (LrSchedule == LrSchedule.Onecycle && LrBaseMomentum > LrMaxMomentum)
            problems.Add(new(nameof(LrBaseMomentum), $"{{LrBaseMomentum}} ({Plain(LrBaseMomentum)}) is the momentum at the peak rate and may not exceed {{LrMaxMomentum}} ({Plain(LrMaxMomentum)})"));
        // OneCycleLR divides by its first phase's length, pct_start × total_steps − 1 steps: none when pct_start × epochs is 1.
        if (LrSchedule == LrSchedule.Onecycle && LrPctStart * Epochs == 1)
            problems.Add(new(nameof(LrPctStart), $"{{LrSchedule}} onecycle: a warm-up of pct_start × epochs = {Plain(LrPctStart)} × {Epochs} = 1 epoch has no length to anneal over; change {{LrPctStart}} or {{Epochs}}"));
        if (EarlyStop is not null && ValFraction == 0)
            problems.Add(new(nameof(EarlyStop), "{EarlyStop} watches the validation loss: give {ValFraction} too"));
        if (ValFraction > 0 && ValidationSamples == 0)
            problems.Add(new(nameof(ValFraction), Data is null
                ? $"{{ValFraction}} {Plain(ValFraction)} of {Samples} samples holds out none: use more {{Samples}} or a larger fraction"
                : $"{{ValFraction}} {Plain(ValFraction)} of {{Data}}'s {Data.Rows} rows holds out none: use a larger fraction"));
        return problems;
    }

    /// <summary>
    /// The options whose values this run does not look at (a schedule's settings under another schedule,
    /// sgd's momentum under adam, ...): someone who set one expected it to matter.
    /// </summary>
    public IEnumerable<OptionProblem> Unused()
    {
        if (Data is not null)
        {
            foreach (string generated in new[] { nameof(Samples), nameof(Range), nameof(Noise) })
                yield return new(generated, $"{{{generated}}} describes generated pairs; with {{Data}} the file's rows are the data: drop {{{generated}}}");
        }
        if (Architecture.IsLinear)
            yield return new(nameof(Architecture.Activation), "{Activation} applies between hidden layers: give {Hidden} too");
        if (Optimizer != Optimizer.Sgd)
            yield return new(nameof(Momentum), $"{{Momentum}} applies to {{Optimizer}} sgd, not {EnumNames<Optimizer>.Of(Optimizer)}");
        else if (LrSchedule == LrSchedule.Onecycle)
            yield return new(nameof(Momentum), "{LrSchedule} onecycle sets sgd's momentum itself, from {LrMaxMomentum} to {LrBaseMomentum} and back: drop {Momentum} (for a fixed momentum M, give both of those M)");
        if (Loss is not (LossFunction.Huber or LossFunction.SmoothL1))
            yield return ForOther(nameof(HuberDelta), nameof(Loss), $"{EnumNames<LossFunction>.Of(LossFunction.Huber)} or {EnumNames<LossFunction>.Of(LossFunction.SmoothL1)}", EnumNames<LossFunction>.Of(Loss));
        foreach (var (option, owner) in ScheduleSettings.Where(s => s.Owner != LrSchedule))
            yield return ForOther(option, nameof(LrSchedule), EnumNames<LrSchedule>.Of(owner), EnumNames<LrSchedule>.Of(LrSchedule));
    }

    /// <summary>Each schedule's own settings.</summary>
    private static readonly (string Option, LrSchedule Owner)[] ScheduleSettings =
    [
        (nameof(LrStepSize), LrSchedule.Step), (nameof(LrGamma), LrSchedule.Step), (nameof(LrMin), LrSchedule.Cosine),
        (nameof(LrPctStart), LrSchedule.Onecycle), (nameof(LrDivFactor), LrSchedule.Onecycle), (nameof(LrFinalDivFactor), LrSchedule.Onecycle),
        (nameof(LrBaseMomentum), LrSchedule.Onecycle), (nameof(LrMaxMomentum), LrSchedule.Onecycle),
    ];

    /// <summary>An option that applies only where <paramref name="owner"/> is <paramref name="ownerValues"/> (the first of them, the fix), not <paramref name="actual"/>.</summary>
    private static OptionProblem ForOther(string option, string owner, string ownerValues, string actual) =>
        new(option, $"{{{option}}} applies to {{{owner}}} {ownerValues}, not {actual}: give {{{owner}}} {ownerValues.Split(' ')[0]} too, or drop it");

    /// <summary>Throws <see cref="InvalidTrainOptionsException"/> when the options have <see cref="Problems"/>.</summary>
    public void Validate()
    {
        if (Problems() is { Count: > 0 } problems)
            throw new InvalidTrainOptionsException(problems);
    }

    private static string Plain(double value) => value.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
}
