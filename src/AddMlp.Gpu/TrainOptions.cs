namespace AddMlp.Gpu;

/// <summary>Everything a training run depends on. The defaults are the tutorial's.</summary>
public sealed record TrainOptions
{
    public string Device { get; init; } = "auto";
    public double LearningRate { get; init; } = 0.1;
    public int Epochs { get; init; } = 500;
    public long Seed { get; init; } = 42;
    public int Samples { get; init; } = 1000;
    /// <summary>Report the loss every this many epochs (epoch 1, 1 + n, 1 + 2n, ...).</summary>
    public int LogEvery { get; init; } = 50;
    public Architecture Architecture { get; init; } = Architecture.Linear;
    /// <summary>Standard deviation of Gaussian noise added to the training labels (0: clean labels).</summary>
    public double Noise { get; init; }
    /// <summary>Training inputs are uniform in this range.</summary>
    public InputRange Range { get; init; } = InputRange.Unit;
    /// <summary>adam, adamw or sgd.</summary>
    public string Optimizer { get; init; } = "adam";
    /// <summary>SGD momentum (sgd only).</summary>
    public double Momentum { get; init; }
    /// <summary>Weight decay; null takes the optimizer's PyTorch default (0, or 0.01 for adamw).</summary>
    public double? WeightDecay { get; init; }
    /// <summary>Minibatch size; null trains on the full batch each epoch.</summary>
    public int? BatchSize { get; init; }
    /// <summary>float32 or float64.</summary>
    public string DType { get; init; } = "float32";
    /// <summary>Stop as soon as an epoch's loss is at or below this.</summary>
    public double? TargetLoss { get; init; }
    /// <summary>Fraction of the samples held out for validation (0: none).</summary>
    public double ValFraction { get; init; }
    /// <summary>CPU threads for libtorch; null keeps libtorch's default.</summary>
    public int? Threads { get; init; }

    public static IReadOnlyList<string> DTypes { get; } = ["float32", "float64"];

    /// <summary>Samples held out for validation.</summary>
    public int ValidationSamples => (int)Math.Floor(Samples * ValFraction);

    public int TrainingSamples => Samples - ValidationSamples;
}
