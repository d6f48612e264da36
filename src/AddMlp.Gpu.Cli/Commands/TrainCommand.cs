using System.CommandLine;
using System.Globalization;

namespace AddMlp.Gpu.Cli;

/// <summary>`addmlp train`: learn addition, print the tutorial's progress and a summary, write the model and loss curve.</summary>
public static class TrainCommand
{
    public static Command Create(CliContext context)
    {
        var d = new TrainOptions();
        Option<string> device = SharedOptions.Device(d.Device, "Where to train: auto (CUDA if available, else CPU), cpu, cuda or cuda:N");
        Option<double> lr = SharedOptions.Finite("--lr", d.LearningRate, Bounds.Positive, "Learning rate", "RATE");
        Option<int> epochs = SharedOptions.AtLeast("--epochs", d.Epochs, 1, "Training epochs (passes over the data)");
        Option<long> seed = SharedOptions.Seed(d.Seed, "Seed for the data, the initial weights and the shuffling");
        Option<int> samples = SharedOptions.AtLeast("--samples", d.Samples, 1, "Training pairs (with --val-fraction, some are held out)");
        Option<InputRange> range = SharedOptions.Range(d.Range, "Training inputs are uniform in [LO, HI)");
        Option<double> noise = SharedOptions.Finite("--noise", d.Noise, Bounds.NonNegative, "Standard deviation of Gaussian noise added to the training labels", "SIGMA");
        Option<int[]> hidden = SharedOptions.Hidden("Hidden layer widths, e.g. 16,16 (default: none, the tutorial's Linear(2, 1))");
        Option<Choice<Activation>> activation = SharedOptions.Activation("Activation between hidden layers");
        Option<Choice<Optimizer>> optimizer = SharedOptions.Choice("--optimizer", d.Optimizer, "Optimizer");
        Option<double> momentum = SharedOptions.Finite("--momentum", d.Momentum, Bounds.Fraction, "Momentum (sgd only)", "M");
        Option<double?> weightDecay = SharedOptions.OptionalFinite("--weight-decay", Bounds.NonNegative, "Weight decay (default: 0; 0.01 for adamw, as in PyTorch)", "WD");
        Option<int?> batchSize = SharedOptions.OptionalWhole("--batch-size", 1, int.MaxValue, "Shuffled minibatches of N samples (default: the full batch)");
        Option<Choice<DType>> dtype = SharedOptions.Choice("--dtype", d.DType, "Floating-point type of the data and the network");
        Option<double?> targetLoss = SharedOptions.OptionalFinite("--target-loss", Bounds.NonNegative, "Stop as soon as an epoch's loss is at or below X");
        var valFraction = new Option<double>("--val-fraction")
        {
            Description = "Hold out this fraction of the samples for validation (0.1 when given without a value; default off)",
            DefaultValueFactory = _ => 0,
            HelpName = "F",
            Arity = ArgumentArity.ZeroOrOne,
            CustomParser = result =>
            {
                string text = result.Tokens.Single().Value;
                if (!FloatText.TryParseFinite(text, out double value) || !Bounds.Fraction.Contains(value))
                    result.AddError($"--val-fraction must be a finite number {Bounds.Fraction}, got '{text}'");
                return value;
            },
        };
        Option<int?> threads = SharedOptions.OptionalWhole("--threads", 1, 1024, "CPU threads for libtorch (default: 1 below a million elements per op, else one per core)");
        Option<int> logEvery = SharedOptions.AtLeast("--log-every", Trainer.DefaultReportEvery, 1, "Print the loss every N epochs (epoch 1, 1+N, ...)");
        Option<string> model = SharedOptions.ModelPath("Where to write the model (JSON)");
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
            if (widths.Length == 0 && parse.GetResult(activation) is { Implicit: false })
                throw new UsageException("--activation applies between hidden layers: give --hidden too, e.g. --hidden 16,16 --activation tanh");
            Optimizer chosen = parse.GetValue(optimizer).Value;
            if (chosen != Optimizer.Sgd && parse.GetResult(momentum) is { Implicit: false })
                throw new UsageException($"--momentum applies to --optimizer sgd, not {EnumNames<Optimizer>.Of(chosen)}");

            var options = new TrainOptions
            {
                Device = parse.GetValue(device)!,
                LearningRate = parse.GetValue(lr),
                Epochs = parse.GetValue(epochs),
                Seed = parse.GetValue(seed),
                Samples = parse.GetValue(samples),
                Range = parse.GetValue(range),
                Noise = parse.GetValue(noise),
                Architecture = Architecture.Adder(widths, parse.GetValue(activation).Value),
                Optimizer = chosen,
                Momentum = parse.GetValue(momentum),
                WeightDecay = parse.GetValue(weightDecay),
                BatchSize = parse.GetValue(batchSize),
                DType = parse.GetValue(dtype).Value,
                TargetLoss = parse.GetValue(targetLoss),
                // Given without a value, --val-fraction means 0.1 (the parser is not called for a missing value).
                ValFraction = parse.GetResult(valFraction) is { Implicit: false, Tokens.Count: 0 } ? 0.1 : parse.GetValue(valFraction),
                Threads = parse.GetValue(threads),
            };
            if (options.ValFraction > 0 && options.ValidationSamples == 0)
                throw new UsageException($"--val-fraction {options.ValFraction.ToString(CultureInfo.InvariantCulture)} of {options.Samples} samples holds out none: use more --samples or a larger fraction");
            var outputs = new TrainOutputs(parse.GetValue(model)!, parse.GetValue(lossCurve)!, parse.GetValue(plot));
            var display = new Display(parse.GetValue(logEvery), parse.GetValue(json), parse.GetValue(quiet));
            return Task.FromResult(Run(context, options, outputs, display));
        });
        return command;
    }

    /// <summary>How the run is shown: none of it changes the run or what it saves.</summary>
    private sealed record Display(int LogEvery, bool Json, bool Quiet);

    private static int Run(CliContext context, TrainOptions options, TrainOutputs outputs, Display display)
    {
        OutputPath.CheckWritable(outputs.Model, "--model");
        OutputPath.CheckWritable(outputs.LossCurve, "--loss-curve");
        if (outputs.Plot is not null)
            LossCurvePlot.CheckTarget(outputs.Plot, "--plot");
        var paths = new List<(string, string)> { ("--model", outputs.Model), ("--loss-curve", outputs.LossCurve) };
        if (outputs.Plot is not null)
            paths.Add(("--plot", outputs.Plot));
        PathIdentity.CheckDistinct([.. paths]);

        // On a terminal a live bar replaces the tutorial's lines; redirected, the lines stay (logs, pipes, tests).
        ProgressBar? bar = !display.Quiet && context.ErrIsTerminal ? new ProgressBar(context.Err, options.Epochs) : null;
        IProgress<EpochLoss>? progress = display.Quiet ? null : bar ?? (IProgress<EpochLoss>)new EpochLogPrinter(context.Err);
        int reportEvery = bar is null ? display.LogEvery : ProgressBar.ReportEvery(options.Epochs, display.LogEvery);
        TrainResult result;
        try
        {
            result = Trainer.Train(options, progress, reportEvery, context.Interrupt);
        }
        finally
        {
            bar?.Finish();
        }

        if (result.Status == TrainStatus.Interrupted && result.EpochsRun == 0)
        {
            // Nothing was learned: an untrained model must not replace a trained one.
            context.Report($"interrupted before the first epoch ended; nothing written{Kept(outputs.Model)}");
            return ExitCodes.Interrupted;
        }
        if (result.Status == TrainStatus.Diverged)
        {
            // The weights are useless: keep whatever model file was there, but show how the loss went.
            LossCurveFile.Save(outputs.LossCurve, LossCurveDocument.From(result));
            double largest = Math.Max(Math.Abs(options.Range.Low), Math.Abs(options.Range.High));
            string advice = largest > 1e3
                ? $"inputs as large as {Numbers.Plain(largest)} make float32 losses overflow: scale them down (a narrower --range) or try a smaller --lr"
                : "try a smaller --lr";
            string kept = File.Exists(outputs.Model) ? $"the previous {outputs.Model} is kept" : "no model written";
            context.Report($"training diverged at epoch {result.EpochsRun} (loss = {Numbers.Loss(result.FinalLoss)}); {advice} ({kept}; loss curve in {outputs.LossCurve})");
            return ExitCodes.RunFailed;
        }

        ModelDocument model = ModelDocument.From(result);
        LossCurveDocument curve = LossCurveDocument.From(result);
        using (var files = new OutputFiles())
        {
            JsonFile.Stage(files, outputs.Model, model);
            JsonFile.Stage(files, outputs.LossCurve, curve);
            if (outputs.Plot is not null)
                LossCurvePlot.Stage(files, curve, outputs.Plot, LossCurvePlot.Title(curve, result.Options));
            files.Commit();
        }

        if (display.Json)
            context.Out.WriteLine(TrainSummary.Json(result, model, outputs));
        else if (!display.Quiet)
            TrainSummary.Print(context.Out, result, outputs);
        if (result.Status == TrainStatus.Interrupted)
        {
            context.Report($"interrupted after epoch {result.EpochsRun} of {options.Epochs}; wrote the model and loss curve so far (status \"interrupted\")");
            return ExitCodes.Interrupted;
        }
        return ExitCodes.Ok;
    }

    private static string Kept(string model) => File.Exists(model) ? $" (the previous {model} is kept)" : "";
}
