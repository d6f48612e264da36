using System.CommandLine;
using System.Globalization;
using AddMlp.Gpu;

namespace AddMlp.Gpu.Cli;

/// <summary>`addmlp train`: learn addition, print the tutorial's progress and a summary, write the model and loss curve.</summary>
public static class TrainCommand
{
    private const int MaxHiddenLayers = 64, MaxWidth = 65536;

    public static Command Create(CliContext context)
    {
        var d = new TrainOptions();
        Option<string> device = CommonOptions.Device(d.Device, "Where to train: auto (CUDA if available, else CPU), cpu, cuda or cuda:N");
        Option<double> lr = CommonOptions.Finite("--lr", d.LearningRate, Bounds.Positive, "Learning rate", "RATE");
        Option<int> epochs = CommonOptions.AtLeast("--epochs", d.Epochs, 1, "Training epochs (passes over the data)");
        var seed = new Option<long>("--seed") { Description = "Seed for the data, the initial weights and the shuffling", DefaultValueFactory = _ => d.Seed, HelpName = "N" };
        seed.CustomParser = result =>
        {
            string text = result.Tokens.Single().Value;
            if (!long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out long value))
                result.AddError($"--seed must be a whole number, got '{text}'");
            return value;
        };
        Option<int> samples = CommonOptions.AtLeast("--samples", d.Samples, 1, "Training pairs (with --val-fraction, some are held out)");
        Option<InputRange> range = CommonOptions.Range("--range", d.Range, "Training inputs are uniform in [LO, HI)");
        Option<double> noise = CommonOptions.Finite("--noise", d.Noise, Bounds.NonNegative, "Standard deviation of Gaussian noise added to the training labels", "SIGMA");
        var hidden = new Option<int[]>("--hidden")
        {
            Description = "Hidden layer widths, e.g. 16,16 (default: none, the tutorial's Linear(2, 1))",
            DefaultValueFactory = _ => [],
            HelpName = "W1,W2,...",
            CustomParser = ParseHidden,
        };
        Option<string> activation = CommonOptions.OneOf("--activation", "relu", Architecture.Activations, "Activation between hidden layers");
        Option<string> optimizer = CommonOptions.OneOf("--optimizer", d.Optimizer, Optimizers.Names, "Optimizer");
        Option<double> momentum = CommonOptions.Finite("--momentum", d.Momentum, Bounds.Fraction, "Momentum (sgd only)", "M");
        Option<double?> weightDecay = CommonOptions.OptionalFinite("--weight-decay", Bounds.NonNegative, "Weight decay (default: 0; 0.01 for adamw, as in PyTorch)", "WD");
        Option<int?> batchSize = CommonOptions.OptionalWhole("--batch-size", 1, int.MaxValue, "Shuffled minibatches of N samples (default: the full batch)");
        Option<string> dtype = CommonOptions.OneOf("--dtype", d.DType, TrainOptions.DTypes, "Floating-point type of the data and the network");
        Option<double?> targetLoss = CommonOptions.OptionalFinite("--target-loss", Bounds.NonNegative, "Stop as soon as an epoch's loss is at or below X");
        var valFraction = new Option<double>("--val-fraction")
        {
            Description = "Hold out this fraction of the samples for validation (0.1 when given without a value; default off)",
            DefaultValueFactory = _ => 0,
            HelpName = "F",
            Arity = ArgumentArity.ZeroOrOne,
            CustomParser = result =>
            {
                string text = result.Tokens.Single().Value;
                if (!Numbers.TryParseFinite(text, out double value) || !Bounds.Fraction.Contains(value))
                    result.AddError($"--val-fraction must be a finite number {Bounds.Fraction}, got '{text}'");
                return value;
            },
        };
        Option<int?> threads = CommonOptions.OptionalWhole("--threads", 1, 1024, "CPU threads for libtorch (default: libtorch's, one per core)");
        Option<int> logEvery = CommonOptions.AtLeast("--log-every", d.LogEvery, 1, "Print the loss every N epochs (epoch 1, 1+N, ...)");
        Option<string> model = CommonOptions.ModelPath("Where to write the model (JSON)");
        var lossCurve = new Option<string>("--loss-curve") { Description = "Where to write the per-epoch losses (JSON)", DefaultValueFactory = _ => LossCurveFile.DefaultPath, HelpName = "PATH" };
        var quiet = new Option<bool>("--quiet", "-q") { Description = "Print nothing but errors" };
        var plot = new Option<string?>("--plot") { Description = "Also draw the loss curve to FILE (.png or .svg) at the end", HelpName = "FILE" };
        var json = new Option<bool>("--json") { Description = "Print the run summary as JSON on stdout (progress still goes to stderr)" };

        var command = new Command("train", "Train the network to add two numbers; writes the model and the loss curve.\n\nExample: addmlp train --hidden 16,16 --epochs 2000 --lr 0.01 --plot loss.png")
        {
            device, lr, epochs, seed, samples, range, noise, hidden, activation, optimizer, momentum, weightDecay,
            batchSize, dtype, targetLoss, valFraction, threads, logEvery, model, lossCurve, plot, json, quiet,
        };
        command.SetAction((parse, _) =>
        {
            int[] widths = parse.GetValue(hidden)!;
            System.CommandLine.Parsing.OptionResult? activationGiven = parse.GetResult(activation);
            if (widths.Length == 0 && activationGiven is { Implicit: false })
                throw new UsageException("--activation applies between hidden layers: give --hidden too, e.g. --hidden 16,16 --activation tanh");
            string optimizerName = parse.GetValue(optimizer)!;
            if (optimizerName != "sgd" && parse.GetResult(momentum) is { Implicit: false })
                throw new UsageException($"--momentum applies to --optimizer sgd, not {optimizerName}");

            var options = new TrainOptions
            {
                Device = parse.GetValue(device)!,
                LearningRate = parse.GetValue(lr),
                Epochs = parse.GetValue(epochs),
                Seed = parse.GetValue(seed),
                Samples = parse.GetValue(samples),
                Range = parse.GetValue(range),
                Noise = parse.GetValue(noise),
                Architecture = widths.Length == 0 ? Architecture.Linear : new Architecture(2, widths, parse.GetValue(activation), 1),
                Optimizer = optimizerName,
                Momentum = parse.GetValue(momentum),
                WeightDecay = parse.GetValue(weightDecay),
                BatchSize = parse.GetValue(batchSize),
                DType = parse.GetValue(dtype)!,
                TargetLoss = parse.GetValue(targetLoss),
                // Given without a value, --val-fraction means 0.1 (the parser is not called for a missing value).
                ValFraction = parse.GetResult(valFraction) is { Implicit: false, Tokens.Count: 0 } ? 0.1 : parse.GetValue(valFraction),
                Threads = parse.GetValue(threads),
                LogEvery = parse.GetValue(logEvery),
            };
            if (options.ValFraction > 0 && options.ValidationSamples == 0)
                throw new UsageException($"--val-fraction {options.ValFraction.ToString(CultureInfo.InvariantCulture)} of {options.Samples} samples holds out none: use more --samples or a larger fraction");
            var outputs = new TrainOutputs(parse.GetValue(model)!, parse.GetValue(lossCurve)!, parse.GetValue(plot), parse.GetValue(json), parse.GetValue(quiet));
            return Task.FromResult(Run(context, options, outputs));
        });
        return command;
    }

    internal static int[] ParseHidden(System.CommandLine.Parsing.ArgumentResult result)
    {
        string text = result.Tokens.Single().Value;
        string[] parts = text.Split(',');
        var widths = new List<int>();
        foreach (string part in parts)
        {
            if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out int width) || width is < 1 or > MaxWidth)
            {
                result.AddError($"--hidden '{text}': each width must be a whole number from 1 to {MaxWidth}, e.g. --hidden 16,16");
                return [];
            }
            widths.Add(width);
        }
        if (widths.Count > MaxHiddenLayers)
            result.AddError($"--hidden '{text}': at most {MaxHiddenLayers} hidden layers");
        return [.. widths];
    }

    /// <summary>Where a run's results go.</summary>
    private sealed record TrainOutputs(string Model, string LossCurve, string? Plot, bool Json, bool Quiet);

    private static int Run(CliContext context, TrainOptions options, TrainOutputs outputs)
    {
        var (modelPath, lossCurvePath, plotPath, json, quiet) = outputs;
        OutputPath.CheckWritable(modelPath, "--model");
        OutputPath.CheckWritable(lossCurvePath, "--loss-curve");
        if (Path.GetFullPath(modelPath) == Path.GetFullPath(lossCurvePath))
            throw new UsageException($"--model and --loss-curve both name '{modelPath}': give them different paths");
        if (plotPath is not null)
            PlotCommand.Check(plotPath);

        // On a terminal a live bar replaces the tutorial's lines; redirected, the lines stay (logs, pipes, tests).
        ProgressBar? bar = !quiet && context.ErrIsTerminal ? new ProgressBar(context.Err, options.Epochs) : null;
        IProgress<EpochLoss>? progress = quiet ? null : bar ?? (IProgress<EpochLoss>)new EpochLogPrinter(context.Err);
        TrainResult result;
        try
        {
            result = Trainer.Train(bar is null ? options : options with { LogEvery = Math.Max(1, Math.Min(options.LogEvery, options.Epochs / 200)) }, progress, context.Interrupt);
        }
        finally
        {
            bar?.Finish();
        }

        if (result.Status == TrainStatus.Diverged)
        {
            // The weights are useless: keep whatever model file was there, but show how the loss went.
            LossCurveFile.Save(lossCurvePath, LossCurveDocument.From(result));
            string kept = File.Exists(modelPath) ? $"the previous {modelPath} is kept" : "no model written";
            context.Err.WriteLine($"addmlp: training diverged at epoch {result.EpochsRun} (loss = {Numbers.Loss(result.FinalLoss)}); try a smaller --lr ({kept}; loss curve in {lossCurvePath})");
            return ExitCodes.RunFailed;
        }

        ModelDocument model = ModelDocument.From(result);
        LossCurveDocument curve = LossCurveDocument.From(result);
        ModelFile.Save(modelPath, model);
        LossCurveFile.Save(lossCurvePath, curve);
        if (plotPath is not null)
            LossCurvePlot.Save(curve, plotPath, PlotCommand.Title(curve, model.Training));

        if (json)
            context.Out.WriteLine(TrainSummary.Json(result, modelPath, lossCurvePath, plotPath));
        else if (!quiet)
            TrainSummary.Print(context.Out, result, modelPath, lossCurvePath, plotPath);
        if (result.Status == TrainStatus.Interrupted)
        {
            context.Err.WriteLine($"addmlp: interrupted after epoch {result.EpochsRun} of {options.Epochs}; wrote the model and loss curve so far (status \"interrupted\")");
            return ExitCodes.Interrupted;
        }
        return ExitCodes.Ok;
    }
}
