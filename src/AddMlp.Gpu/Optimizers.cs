using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AddMlp.Gpu;

/// <summary>The optimizers addmlp offers, with PyTorch's defaults.</summary>
public static class Optimizers
{
    public static IReadOnlyList<string> Names { get; } = ["adam", "adamw", "sgd"];

    /// <summary>The weight decay a run uses: the option, or the optimizer's PyTorch default.</summary>
    public static double WeightDecay(TrainOptions options) => options.WeightDecay ?? (options.Optimizer == "adamw" ? 0.01 : 0);

    public static optim.Optimizer Create(TrainOptions options, IEnumerable<Parameter> parameters) => options.Optimizer switch
    {
        "adam" => optim.Adam(parameters, lr: options.LearningRate, weight_decay: WeightDecay(options)),
        "adamw" => optim.AdamW(parameters, lr: options.LearningRate, weight_decay: WeightDecay(options)),
        "sgd" => optim.SGD(parameters, options.LearningRate, momentum: options.Momentum, weight_decay: WeightDecay(options)),
        _ => throw new ArgumentException($"unknown optimizer '{options.Optimizer}': use one of {string.Join(", ", Names)}", nameof(options)),
    };
}
