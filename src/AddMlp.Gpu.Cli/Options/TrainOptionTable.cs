using System.CommandLine;

namespace AddMlp.Gpu.Cli;

/// <summary>
/// Every option of `train` that defines the run, one entry each: its name, the <see cref="TrainOptions"/>
/// property it sets (whose initial value is its default, and whose bounds <see cref="TrainOptions"/> keeps),
/// its help, and its key in config and model files (the name in snake_case unless given). Parsing, --config,
/// --print-config, --resume's checks, help and completion all read this table. To add an option: add the
/// property to <see cref="TrainOptions"/> (with its bounds and rules there), an entry here, and the code that uses it.
/// </summary>
internal static class TrainOptionTable
{
    /// <summary>The entries in the order help lists them; made afresh for each command, as an option belongs to one.</summary>
    public static IReadOnlyList<TrainSetting> Create()
    {
        var d = new TrainOptions();
        return
        [
            Entry(nameof(d.Device), SharedOptions.Device(d.Device, "Where to train: auto (CUDA if available, else CPU), cpu, cuda or cuda:N"), (v, o) => o with { Device = v }, key: "device_requested", sweep: false),
            Number(nameof(d.LearningRate), "--lr", d.LearningRate, "Learning rate", (v, o) => o with { LearningRate = v }, "RATE"),
            Choice(nameof(d.LrSchedule), "--lr-schedule", d.LrSchedule, "How the learning rate changes per epoch: constant, step (StepLR), cosine (CosineAnnealingLR, T_max = --epochs) or onecycle (OneCycleLR, max_lr = --lr, total_steps = --epochs)", (v, o) => o with { LrSchedule = v }),
            Whole(nameof(d.LrStepSize), "--lr-step-size", d.LrStepSize, "Step schedule: epochs between decays", (v, o) => o with { LrStepSize = v }),
            Number(nameof(d.LrGamma), "--lr-gamma", d.LrGamma, "Step schedule: the factor of each decay", (v, o) => o with { LrGamma = v }, "G"),
            Number(nameof(d.LrMin), "--lr-min", d.LrMin, "Cosine schedule: the rate it anneals to", (v, o) => o with { LrMin = v }, "ETA"),
            Number(nameof(d.LrPctStart), "--lr-pct-start", d.LrPctStart, "One-cycle schedule: the fraction of the epochs spent warming up to --lr", (v, o) => o with { LrPctStart = v }, "F"),
            Number(nameof(d.LrDivFactor), "--lr-div-factor", d.LrDivFactor, "One-cycle schedule: the first epoch's rate is --lr / D", (v, o) => o with { LrDivFactor = v }, "D"),
            Number(nameof(d.LrFinalDivFactor), "--lr-final-div-factor", d.LrFinalDivFactor, "One-cycle schedule: the last epoch's rate is the first's / D", (v, o) => o with { LrFinalDivFactor = v }, "D"),
            Number(nameof(d.LrBaseMomentum), "--lr-base-momentum", d.LrBaseMomentum, "One-cycle schedule: the momentum (adam's beta1, sgd's momentum) at the peak rate", (v, o) => o with { LrBaseMomentum = v }, "M"),
            Number(nameof(d.LrMaxMomentum), "--lr-max-momentum", d.LrMaxMomentum, "One-cycle schedule: the momentum at the first and last epochs (the same as --lr-base-momentum: a fixed momentum)", (v, o) => o with { LrMaxMomentum = v }, "M"),
            Whole(nameof(d.Epochs), "--epochs", d.Epochs, "Training epochs (passes over the data)", (v, o) => o with { Epochs = v }),
            Entry(nameof(d.Seed), SharedOptions.Seed(d.Seed, "Seed for the data, the initial weights and the shuffling"), (v, o) => o with { Seed = v }),
            Whole(nameof(d.Samples), "--samples", d.Samples, "Training pairs (with --val-fraction, some are held out)", (v, o) => o with { Samples = v }),
            Entry(nameof(d.Data), new Option<string?>("--data") { Description = "Train on the rows a, b, y of FILE (CSV, TSV, whitespace-separated or Parquet, as predict --input reads) instead of generated pairs; the model file records its name, rows and SHA-256", HelpName = "FILE" },
                (v, o) => o with { Data = v is null ? null : DataFile.Identify(v) }, sweep: false),
            Entry(nameof(d.Range), SharedOptions.Range(d.Range, "Training inputs are uniform in [LO, HI)"), (v, o) => o with { Range = v }),
            Number(nameof(d.Noise), "--noise", d.Noise, "Standard deviation of Gaussian noise added to the training labels", (v, o) => o with { Noise = v }, "SIGMA"),
            Choice(nameof(d.Loss), "--loss", d.Loss, "What training minimises: mse (MSELoss, the tutorial's), l1 (L1Loss), smooth_l1 (SmoothL1Loss) or huber (HuberLoss); l1, smooth_l1 and huber are pulled less by a few bad labels", (v, o) => o with { Loss = v }),
            Number(nameof(d.HuberDelta), "--huber-delta", d.HuberDelta, "huber and smooth_l1: the error at which the loss turns from quadratic to linear (HuberLoss's delta, SmoothL1Loss's beta)", (v, o) => o with { HuberDelta = v }, "DELTA"),
            Entry(nameof(Architecture.Hidden), SharedOptions.Hidden("Hidden layer widths, e.g. 16,16 (default: none, the tutorial's Linear(2, 1))"),
                (v, o) => o with { Architecture = Architecture.Adder(v, o.Architecture.Activation ?? Activation.Relu) }, key: "architecture.hidden"),
            Entry(nameof(Architecture.Activation), SharedOptions.Activation("Activation between hidden layers"),
                (v, o) => o with { Architecture = Architecture.Adder(o.Architecture.Hidden, v.Value) }, key: "architecture.activation"),
            Choice(nameof(d.Optimizer), "--optimizer", d.Optimizer, "Optimizer", (v, o) => o with { Optimizer = v }),
            Number(nameof(d.Momentum), "--momentum", d.Momentum, "Momentum (sgd only)", (v, o) => o with { Momentum = v }, "M"),
            Number(nameof(d.WeightDecay), "--weight-decay", d.WeightDecay, "Weight decay (default: 0; 0.01 for adamw, as in PyTorch)", (v, o) => o with { WeightDecay = v }, "WD"),
            Number(nameof(d.ClipGradNorm), "--clip-grad-norm", d.ClipGradNorm, "Before each step, scale the gradients so that their total 2-norm is at most MAX (torch.nn.utils.clip_grad_norm_)", (v, o) => o with { ClipGradNorm = v }, "MAX"),
            Whole(nameof(d.BatchSize), "--batch-size", d.BatchSize, "Shuffled minibatches of N samples (default: the full batch)", (v, o) => o with { BatchSize = v }),
            Choice(nameof(d.DType), "--dtype", d.DType, "Floating-point type of the data and the network", (v, o) => o with { DType = v }),
            Number(nameof(d.TargetLoss), "--target-loss", d.TargetLoss, "Stop as soon as an epoch's loss is at or below X", (v, o) => o with { TargetLoss = v }),
            Entry(nameof(d.ValFraction), SharedOptions.ValFraction(TrainOptions.BoundsOf(nameof(d.ValFraction))!, "Hold out this fraction of the samples for validation (0.1 when given without a value; default: off)"), (v, o) => o with { ValFraction = v ?? 0 }),
            Whole(nameof(d.EarlyStop), "--early-stop", d.EarlyStop, "Stop when val_loss has not improved for N epochs, keeping the best epoch's weights (needs --val-fraction)", (v, o) => o with { EarlyStop = v }),
            Entry(nameof(d.Kernels), SharedOptions.Kernels("How the forward and backward passes are computed: portable (the same numbers on every CPU, at any --threads; the CPU's default) or native (libtorch's own: faster for wide networks, but the last bits depend on the processor; a GPU's default)"),
                (v, o) => o with { Kernels = v?.Value }, sweep: false),
            Whole(nameof(d.Threads), "--threads", d.Threads, "CPU threads for libtorch (default: 1 below a million elements per op, else one per core)", (v, o) => o with { Threads = v }, sweep: false),
        ];
    }

    /// <summary>The command-line name of the option that sets a <see cref="TrainOptions"/> property ("--lr" for "LearningRate").</summary>
    public static string OptionName(string property) => Names.Value.TryGetValue(property, out string? name) ? name : property;

    private static readonly Lazy<Dictionary<string, string>> Names = new(() => Create().ToDictionary(s => s.Property, s => s.Option.Name));

    private static TrainSetting<T> Entry<T>(string property, Option<T> option, Func<T, TrainOptions, TrainOptions> set, string? key = null, bool sweep = true) =>
        new(key ?? option.Name.TrimStart('-').Replace('-', '_'), property, option, set) { Sweepable = sweep };

    /// <summary>A finite number (T: double, or double? for one with no default), its bounds <see cref="TrainOptions"/>'s.</summary>
    private static TrainSetting<T> Number<T>(string property, string name, T initial, string description, Func<T, TrainOptions, TrainOptions> set, string helpName = "X") =>
        Entry(property, SharedOptions.Number(name, initial, TrainOptions.BoundsOf(property)!, checkBounds: false, description, helpName), set);

    /// <summary>A whole number (T: int, or int? for one with no default), its bounds <see cref="TrainOptions"/>'s.</summary>
    private static TrainSetting<T> Whole<T>(string property, string name, T initial, string description, Func<T, TrainOptions, TrainOptions> set, bool sweep = true) =>
        new(name.TrimStart('-').Replace('-', '_'), property, SharedOptions.Whole(name, initial, TrainOptions.BoundsOf(property)!, checkBounds: false, description), set) { Sweepable = sweep, Whole = true };

    private static TrainSetting<Choice<T>> Choice<T>(string property, string name, T initial, string description, Func<T, TrainOptions, TrainOptions> set)
        where T : struct, Enum =>
        Entry(property, SharedOptions.Choice(name, initial, description), (v, o) => set(v.Value, o));
}
