using System.CommandLine;
using System.Globalization;
using System.Text.Json;

namespace AddMlp.Gpu.Cli;

/// <summary>`addmlp train`: learn addition, print the tutorial's progress and a summary, write the model and loss curve.</summary>
public static class TrainCommand
{
    public static Command Create(CliContext context)
    {
        var d = new TrainOptions();
        Option<string> device = SharedOptions.Device(d.Device, "Where to train: auto (CUDA if available, else CPU), cpu, cuda or cuda:N");
        Option<double> lr = SharedOptions.Finite("--lr", d.LearningRate, Bounds.Positive, "Learning rate", "RATE");
        Option<Choice<LrSchedule>> lrSchedule = SharedOptions.Choice("--lr-schedule", d.LrSchedule, "How the learning rate changes per epoch: constant, step (StepLR), cosine (CosineAnnealingLR, T_max = --epochs) or onecycle (OneCycleLR, max_lr = --lr, total_steps = --epochs)");
        Option<int?> lrStepSize = SharedOptions.OptionalWhole("--lr-step-size", 1, int.MaxValue, "Step schedule: epochs between decays");
        Option<double> lrGamma = SharedOptions.Finite("--lr-gamma", d.LrGamma, Bounds.Positive, "Step schedule: the factor of each decay", "G");
        Option<double> lrMin = SharedOptions.Finite("--lr-min", d.LrMin, Bounds.NonNegative, "Cosine schedule: the rate it anneals to", "ETA");
        Option<double> lrPctStart = SharedOptions.Finite("--lr-pct-start", d.LrPctStart, Bounds.UnitInterval, "One-cycle schedule: the fraction of the epochs spent warming up to --lr", "F");
        Option<double> lrDivFactor = SharedOptions.Finite("--lr-div-factor", d.LrDivFactor, Bounds.Positive, "One-cycle schedule: the first epoch's rate is --lr / D", "D");
        Option<double> lrFinalDivFactor = SharedOptions.Finite("--lr-final-div-factor", d.LrFinalDivFactor, Bounds.Positive, "One-cycle schedule: the last epoch's rate is the first's / D", "D");
        Option<double> lrBaseMomentum = SharedOptions.Finite("--lr-base-momentum", d.LrBaseMomentum, Bounds.Fraction, "One-cycle schedule: the momentum (adam's beta1, sgd's momentum) at the peak rate", "M");
        Option<double> lrMaxMomentum = SharedOptions.Finite("--lr-max-momentum", d.LrMaxMomentum, Bounds.Fraction, "One-cycle schedule: the momentum at the first and last epochs (the same as --lr-base-momentum: a fixed momentum)", "M");
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
        Option<double?> clipGradNorm = SharedOptions.OptionalFinite("--clip-grad-norm", Bounds.Positive, "Before each step, scale the gradients so that their total 2-norm is at most MAX (torch.nn.utils.clip_grad_norm_)", "MAX");
        Option<int?> batchSize = SharedOptions.OptionalWhole("--batch-size", 1, int.MaxValue, "Shuffled minibatches of N samples (default: the full batch)");
        Option<Choice<DType>> dtype = SharedOptions.Choice("--dtype", d.DType, "Floating-point type of the data and the network");
        Option<double?> targetLoss = SharedOptions.OptionalFinite("--target-loss", Bounds.NonNegative, "Stop as soon as an epoch's loss is at or below X");
        var valFraction = new Option<double?>("--val-fraction")
        {
            Description = "Hold out this fraction of the samples for validation (0.1 when given without a value; default: off)",
            HelpName = "F",
            Arity = ArgumentArity.ZeroOrOne,
            CustomParser = result =>
            {
                if (result.Tokens.Count == 0)
                    return 0.1; // given without a value
                string text = result.Tokens.Single().Value;
                if (!FloatText.TryParseFinite(text, out double value) || !Bounds.Fraction.Contains(value))
                    result.AddError($"--val-fraction must be a finite number {Bounds.Fraction}, got '{text}'");
                return value;
            },
        };
        Option<int?> earlyStop = SharedOptions.OptionalWhole("--early-stop", 1, int.MaxValue, "Stop when val_loss has not improved for N epochs, keeping the best epoch's weights (needs --val-fraction)");
        Option<Choice<Kernels>?> kernels = SharedOptions.Kernels("How the forward and backward passes are computed: portable (the same numbers on every CPU, at any --threads; the CPU's default) or native (libtorch's own: faster for wide networks, but the last bits depend on the processor; a GPU's default)");
        Option<int?> threads = SharedOptions.OptionalWhole("--threads", 1, 1024, "CPU threads for libtorch (default: 1 below a million elements per op, else one per core)");
        Option<int> logEvery = SharedOptions.AtLeast("--log-every", Trainer.DefaultReportEvery, 1, "Print the loss every N epochs (epoch 1, 1+N, ...)");
        Option<string> model = SharedOptions.ModelPath("Where to write the model (JSON)");
        var lossCurve = new Option<string>("--loss-curve") { Description = "Where to write the per-epoch losses (JSON)", DefaultValueFactory = _ => LossCurveFile.DefaultPath, HelpName = "PATH" };
        var quiet = new Option<bool>("--quiet", "-q") { Description = "Print nothing but errors" };
        var plot = new Option<string?>("--plot") { Description = "Also draw the loss curve to FILE (.png or .svg) at the end", HelpName = "FILE" };
        var tensorboard = new Option<string?>("--tensorboard") { Description = "Also log loss, val_loss, weight_error and lr per epoch for TensorBoard in DIR (tensorboard --logdir DIR), written at each log point", HelpName = "DIR" };
        var json = new Option<bool>("--json") { Description = "Print the run summary as JSON on stdout (progress still goes to stderr)" };

        var resume = new Option<string?>("--resume") { Description = "Continue the run saved in this model file exactly (--epochs is the total); writes back to it unless --model is given", HelpName = "PATH" };
        var config = new Option<string?>("--config") { Description = "Take the run's options from this JSON file (keys as in a model file, which will do); options given here override it", HelpName = "FILE" };
        var printConfig = new Option<bool>("--print-config") { Description = "Print the resolved options as a config file (JSON) and exit, without training" };
        Option<int?> checkpointEvery = SharedOptions.OptionalWhole("--checkpoint-every", 1, int.MaxValue, "Every N epochs, write the model (resumable) and the loss curve so far; each rewrites both files whole, so 1000 or more is free and 1 makes the tutorial about 60 times slower");
        Option<TimeSpan?> maxTime = SharedOptions.OptionalDuration("--max-time", "Stop cleanly after this long (90s, 10m, 2h), saved resumable (status time_limit)");

        var command = new Command("train", "Train the network to add two numbers; writes the model and the loss curve.\n\nExample: addmlp train --hidden 16,16 --epochs 2000 --lr 0.01 --plot loss.png")
        {
            device, lr, lrSchedule, lrStepSize, lrGamma, lrMin, lrPctStart, lrDivFactor, lrFinalDivFactor, lrBaseMomentum, lrMaxMomentum, epochs, seed, samples, range, noise, hidden, activation, optimizer, momentum, weightDecay,
            clipGradNorm, batchSize, dtype, targetLoss, valFraction, earlyStop, kernels, threads, logEvery, model, lossCurve, plot, tensorboard, json, quiet,
            resume, config, printConfig, checkpointEvery, maxTime,
        };

        // The options that define a run, under their names in the model file (see RunSettings).
        var settings = new RunSettings();
        settings.Add("device_requested", device);
        settings.Add("lr", lr);
        settings.Add("lr_schedule", lrSchedule);
        settings.Add("lr_step_size", lrStepSize);
        settings.Add("lr_gamma", lrGamma);
        settings.Add("lr_min", lrMin);
        settings.Add("lr_pct_start", lrPctStart);
        settings.Add("lr_div_factor", lrDivFactor);
        settings.Add("lr_final_div_factor", lrFinalDivFactor);
        settings.Add("lr_base_momentum", lrBaseMomentum);
        settings.Add("lr_max_momentum", lrMaxMomentum);
        settings.Add("epochs", epochs);
        settings.Add("seed", seed);
        settings.Add("samples", samples);
        settings.Add("noise", noise);
        settings.Add("range", range);
        settings.Add("optimizer", optimizer);
        settings.Add("momentum", momentum);
        settings.Add("weight_decay", weightDecay);
        settings.Add("clip_grad_norm", clipGradNorm);
        settings.Add("batch_size", batchSize);
        settings.Add("target_loss", targetLoss);
        settings.Add("val_fraction", valFraction);
        settings.Add("early_stop", earlyStop);
        settings.Add("kernels", kernels);
        settings.Add("threads", threads);
        settings.Add("architecture.hidden", hidden);
        settings.Add("architecture.activation", activation);
        settings.Add("dtype", dtype);

        command.SetAction((parse, _) =>
        {
            string? resumePath = parse.GetValue(resume), configPath = parse.GetValue(config);
            if (resumePath is not null && configPath is not null)
                throw new UsageException("--resume continues a run with its own options and --config starts a new one: give one of them");

            // Where the run's options come from: the command line over a config file or the resumed run, over the defaults.
            ResumePoint? point = null;
            ParseResult? basis = null;
            if (resumePath is not null)
            {
                ModelDocument saved = LoadNamed(resumePath, "--resume", ModelFile.Load);
                point = ResumePoint.From(saved, resumePath);
                basis = ParseSettings(command, settings, ToElement(saved), $"model file '{resumePath}'");
                IReadOnlyList<string> mayChange = ResumePoint.MayChange(point.Options);
                string[] changed = [.. settings.Changed(parse, basis).Where(s => !mayChange.Contains(s.Key)).Select(s => s.Option.Name)];
                if (changed.Length > 0)
                    throw new UsageException($"--resume continues the run in '{resumePath}' as it was: {string.Join(", ", changed)} would change it (drop {(changed.Length == 1 ? "it" : "them")}, or start a new run with --config {resumePath})");
            }
            else if (configPath is not null)
            {
                JsonElement document = LoadNamed(configPath, "--config", path => JsonFile.LoadElement(AddMlpFile.Config, path));
                basis = ParseSettings(command, settings, document, $"--config '{configPath}'");
            }
            ParseResult From(Option option) => basis is not null && parse.GetResult(option) is not { Implicit: false } ? basis : parse;
            T Get<T>(Option<T> option) => From(option).GetValue(option)!;
            // Given by the user: on the command line, or in a --config file with other than its default (files
            // addmlp writes record every option, defaults too). A resumed run's file was checked when it ran.
            bool Given<T>(Option<T> option) => parse.GetResult(option) is { Implicit: false }
                || (configPath is not null && basis!.GetResult(option) is { Implicit: false } && !Equals(basis.GetValue(option), parse.GetValue(option)));

            int[] widths = Get(hidden)!;
            if (widths.Length == 0 && From(activation).GetResult(activation) is { Implicit: false })
                throw new UsageException("--activation applies between hidden layers: give --hidden too, e.g. --hidden 16,16 --activation tanh");
            Optimizer chosen = Get(optimizer).Value;
            LrSchedule scheduled = Get(lrSchedule).Value;
            bool momentumGiven = Given(momentum) || Get(momentum) != 0;
            if (chosen != Optimizer.Sgd && momentumGiven)
                throw new UsageException($"--momentum applies to --optimizer sgd, not {EnumNames<Optimizer>.Of(chosen)}");
            if (scheduled == LrSchedule.Onecycle && momentumGiven)
                throw new UsageException("--lr-schedule onecycle sets sgd's momentum itself, from --lr-max-momentum to --lr-base-momentum and back: drop --momentum (for a fixed momentum M, give both of those M)");
            // A schedule's settings given for another schedule would be ignored: say so rather than leave the user guessing.
            foreach (var (option, given, owner) in ((Option, bool, LrSchedule)[])[
                (lrStepSize, Given(lrStepSize), LrSchedule.Step), (lrGamma, Given(lrGamma), LrSchedule.Step), (lrMin, Given(lrMin), LrSchedule.Cosine),
                (lrPctStart, Given(lrPctStart), LrSchedule.Onecycle), (lrDivFactor, Given(lrDivFactor), LrSchedule.Onecycle), (lrFinalDivFactor, Given(lrFinalDivFactor), LrSchedule.Onecycle),
                (lrBaseMomentum, Given(lrBaseMomentum), LrSchedule.Onecycle), (lrMaxMomentum, Given(lrMaxMomentum), LrSchedule.Onecycle)])
            {
                string name = EnumNames<LrSchedule>.Of(owner);
                if (given && owner != scheduled && parse.GetResult(option) is not { Implicit: false })
                    throw new UsageException($"--config '{configPath}': training.{settings.KeyOf(option)} applies to lr_schedule {name}, not {EnumNames<LrSchedule>.Of(scheduled)}: give \"lr_schedule\": \"{name}\" too, or drop it");
                if (given && owner != scheduled)
                    throw new UsageException($"{option.Name} applies to --lr-schedule {name}, not {EnumNames<LrSchedule>.Of(scheduled)}: give --lr-schedule {name} too, or drop it");
            }

            var options = new TrainOptions
            {
                Device = Get(device)!,
                LearningRate = Get(lr),
                LrSchedule = scheduled,
                LrStepSize = Get(lrStepSize),
                LrGamma = Get(lrGamma),
                LrMin = Get(lrMin),
                LrPctStart = Get(lrPctStart),
                LrDivFactor = Get(lrDivFactor),
                LrFinalDivFactor = Get(lrFinalDivFactor),
                LrBaseMomentum = Get(lrBaseMomentum),
                LrMaxMomentum = Get(lrMaxMomentum),
                Epochs = Get(epochs),
                Seed = Get(seed),
                Samples = Get(samples),
                Range = Get(range),
                Noise = Get(noise),
                Architecture = Architecture.Adder(widths, Get(activation).Value),
                Optimizer = chosen,
                Momentum = Get(momentum),
                WeightDecay = Get(weightDecay),
                ClipGradNorm = Get(clipGradNorm),
                BatchSize = Get(batchSize),
                DType = Get(dtype).Value,
                TargetLoss = Get(targetLoss),
                ValFraction = Get(valFraction) ?? 0,
                EarlyStop = Get(earlyStop),
                Kernels = Get(kernels)?.Value,
                Threads = Get(threads),
            };
            if (options.Kernels == Kernels.Portable && options.Device.StartsWith("cuda", StringComparison.Ordinal))
                throw new UsageException($"--kernels portable runs on the CPU only: use --device cpu (or auto), or --kernels native on {options.Device}");
            if (options.LrSchedule == LrSchedule.Step && options.LrStepSize is null)
                throw new UsageException("--lr-schedule step decays every N epochs: give --lr-step-size N too");
            if (options.LrBaseMomentum > options.LrMaxMomentum)
                throw new UsageException($"--lr-base-momentum ({Numbers.Plain(options.LrBaseMomentum)}) is the momentum at the peak rate and may not exceed --lr-max-momentum ({Numbers.Plain(options.LrMaxMomentum)})");
            if (LearningRates.OneCycleProblem(options) is string oneCycle)
                throw new UsageException($"--lr-schedule onecycle: {oneCycle}; change --lr-pct-start or --epochs");
            if (options.EarlyStop is not null && options.ValFraction == 0)
                throw new UsageException("--early-stop watches the validation loss: give --val-fraction too, e.g. --val-fraction 0.1 --early-stop 20");
            if (options.ValFraction > 0 && options.ValidationSamples == 0)
                throw new UsageException($"--val-fraction {options.ValFraction.ToString(CultureInfo.InvariantCulture)} of {options.Samples} samples holds out none: use more --samples or a larger fraction");
            if (point is not null && options.Epochs <= point.EpochsRun)
                throw new UsageException($"the run in '{resumePath}' has already run {point.EpochsRun} of its {point.Options.Epochs} epochs: --epochs is the total, give more than {point.EpochsRun}");
            if (parse.GetValue(printConfig))
            {
                context.Out.WriteLine(CliJson.Serialize(TrainConfigDocument.From(options)));
                return Task.FromResult(ExitCodes.Ok);
            }

            // A resumed run is written back where it came from, unless told otherwise.
            string modelPath = resumePath is not null && parse.GetResult(model) is not { Implicit: false } ? resumePath : parse.GetValue(model)!;
            var outputs = new TrainOutputs(modelPath, parse.GetValue(lossCurve)!, parse.GetValue(plot), parse.GetValue(tensorboard));
            var display = new Display(parse.GetValue(logEvery), parse.GetValue(json), parse.GetValue(quiet));
            var run = new RunControl(point, parse.GetValue(checkpointEvery), parse.GetValue(maxTime));
            (string, string)[] inputs = resumePath is not null ? [("--resume", resumePath)] : configPath is not null ? [("--config", configPath)] : [];
            return Task.FromResult(Run(context, options, outputs, inputs, display, run));
        });
        return command;
    }

    /// <summary>How the run is shown: none of it changes the run or what it saves.</summary>
    private sealed record Display(int LogEvery, bool Json, bool Quiet);

    /// <summary>Where the run starts and when it stops or saves on the way: none of it changes what it computes.</summary>
    private sealed record RunControl(ResumePoint? Resume, int? CheckpointEvery, TimeSpan? MaxTime);

    /// <summary>A file an option names, read with the option's name in the message when it is not there.</summary>
    private static T LoadNamed<T>(string path, string option, Func<string, T> load)
    {
        try
        {
            return load(path);
        }
        catch (ModelFileException e) when (e.Problem == FileProblem.NotFound)
        {
            throw new UsageException($"{option} '{path}': no such file");
        }
    }

    /// <summary>A document's settings, parsed as the command line's would be (so checked the same way).</summary>
    private static ParseResult ParseSettings(Command command, RunSettings settings, JsonElement document, string what)
    {
        ParseResult parsed = command.Parse(settings.Words(document, what), AddMlpApp.Parsing);
        if (parsed.Errors.Count > 0)
            throw new UsageException($"{what}: {parsed.Errors[0].Message.TrimEnd('.')}");
        return parsed;
    }

    private static JsonElement ToElement(ModelDocument model) =>
        JsonSerializer.SerializeToElement(model, Json.Options.TypeInfo<ModelDocument>());

    private static int Run(CliContext context, TrainOptions options, TrainOutputs outputs, (string Option, string Path)[] inputs, Display display, RunControl run)
    {
        // A network too large for the files addmlp reads back is refused before the run, not found out after it.
        long networkBytes = ModelFile.LargestFileBytes(options with { Epochs = 1 });
        if (networkBytes > ModelFile.MaxBytes)
            throw new UsageException($"{options.Architecture} has {options.Architecture.ParameterCount:N0} parameters: its model file would take {networkBytes >> 20:N0} MiB, more than the {ModelFile.MaxBytes >> 20} MiB addmlp reads back; use fewer or narrower --hidden layers");
        // The history grows with the run, and so do its files: a run stops (status size_limit, saved) at the
        // most epochs whose files addmlp still reads back, rather than write files no command can read.
        int epochsThatFit = LargestEpochsThatFit(options);
        if (run.Resume is { } resumed && epochsThatFit <= resumed.EpochsRun)
            throw new UsageException($"--resume: the run has {resumed.EpochsRun:N0} epochs, as many as its files can hold and still be read back ({ModelFile.MaxBytes >> 20} MiB): it cannot go on");
        OutputPath.CheckWritable(outputs.Model, "--model");
        OutputPath.CheckWritable(outputs.LossCurve, "--loss-curve");
        if (outputs.Plot is not null)
            LossCurvePlot.CheckTarget(outputs.Plot, "--plot");
        var paths = new List<(string, string)> { ("--model", outputs.Model), ("--loss-curve", outputs.LossCurve) };
        if (outputs.Plot is not null)
            paths.Add(("--plot", outputs.Plot));
        PathIdentity.CheckDistinct([.. paths]);
        PathIdentity.CheckNoInputOverwritten([.. paths], inputs, mayReplace: ("--model", "--resume")); // a resumed run goes on in its file
        if (outputs.TensorBoard is not null)
            OutputPath.CheckFolder(outputs.TensorBoard, "--tensorboard");
        using TensorBoardLog? tensorboard = outputs.TensorBoard is null ? null : new TensorBoardLog(outputs.TensorBoard);

        // On a terminal a live bar replaces the tutorial's lines; redirected, the lines stay (logs, pipes, tests).
        ProgressBar? bar = !display.Quiet && context.Status is not null ? new ProgressBar(context.Status, options.Epochs) : null;
        IProgress<EpochLoss>? progress = display.Quiet ? null : bar ?? (IProgress<EpochLoss>)new EpochLogPrinter(context.Err);
        int reportEvery = bar is null ? display.LogEvery : ProgressBar.ReportEvery(options.Epochs, display.LogEvery);
        int lastCheckpoint = 0;
        var control = new TrainControl
        {
            Progress = progress,
            ReportEvery = reportEvery,
            Cancellation = context.Interrupt,
            MaxTime = run.MaxTime,
            ResumeFrom = run.Resume,
            OnRecords = tensorboard is null ? null : tensorboard.Write,
            CheckpointEvery = run.CheckpointEvery,
            MaxEpochs = epochsThatFit < options.Epochs ? epochsThatFit : null,
            OnCheckpoint = snapshot =>
            {
                Save(snapshot, outputs, plot: false);
                lastCheckpoint = snapshot.EpochsRun;
            },
        };
        TrainResult result;
        try
        {
            result = Trainer.Train(options, control);
        }
        finally
        {
            bar?.Finish();
        }

        // The log is written beside the run: wait for its last records, and fail the run (after saving the rest) if it could not be.
        string? logFailure = null;
        try
        {
            tensorboard?.Complete();
        }
        catch (IOException e)
        {
            logFailure = e.Message;
        }
        int exitCode = Conclude(context, options, outputs, display, result, lastCheckpoint);
        if (logFailure is null)
            return exitCode;
        context.Report($"{logFailure}; give --tensorboard a folder with room, or drop it");
        return exitCode == ExitCodes.Ok ? ExitCodes.RunFailed : exitCode;
    }

    /// <summary>The most epochs (up to the run's own) whose files stay within <see cref="ModelFile.MaxBytes"/>, by their upper bound.</summary>
    private static int LargestEpochsThatFit(TrainOptions options)
    {
        int low = 0, high = options.Epochs;
        while (low < high)
        {
            int middle = (int)(low + ((long)high - low + 1) / 2);
            if (ModelFile.LargestFileBytes(options with { Epochs = middle }) <= ModelFile.MaxBytes)
                low = middle;
            else
                high = middle - 1;
        }
        return low;
    }

    /// <summary>What a run that ended writes and says, and its exit code.</summary>
    private static int Conclude(CliContext context, TrainOptions options, TrainOutputs outputs, Display display, TrainResult result, int lastCheckpoint)
    {
        string resumeHint = $"; continue with `addmlp train --resume {outputs.Model}`";
        if (result.Status is TrainStatus.Interrupted or TrainStatus.TimeLimit && result.EpochsRun == result.ResumedAt)
        {
            // Nothing was learned: an untrained model must not replace a trained one.
            string why = result.Status == TrainStatus.TimeLimit ? "--max-time was up" : "interrupted";
            context.Report($"{why} before the first epoch ended; nothing written{Kept(outputs.Model)}");
            return result.Status == TrainStatus.TimeLimit ? ExitCodes.Ok : ExitCodes.Interrupted;
        }
        if (result.Status == TrainStatus.Diverged)
        {
            // The weights are useless: keep whatever model file was there, but show how the loss went.
            LossCurveFile.Save(outputs.LossCurve, LossCurveDocument.From(result));
            double largest = Math.Max(Math.Abs(options.Range.Low), Math.Abs(options.Range.High));
            string advice = largest > 1e3
                ? $"inputs as large as {Numbers.Plain(largest)} make float32 losses overflow: scale them down (a narrower --range) or try a smaller --lr"
                : "try a smaller --lr";
            string kept = lastCheckpoint > 0 ? $"{outputs.Model} keeps the checkpoint of epoch {lastCheckpoint}"
                : File.Exists(outputs.Model) ? $"the previous {outputs.Model} is kept" : "no model written";
            context.Report($"training diverged at epoch {result.EpochsRun} (loss = {Numbers.Loss(result.FinalLoss)}); {advice} ({kept}; loss curve in {outputs.LossCurve})");
            return ExitCodes.RunFailed;
        }

        ModelDocument written = Save(result, outputs, plot: true);
        if (display.Json)
            context.Out.WriteLine(TrainSummary.Json(result, written, outputs));
        else if (!display.Quiet)
            TrainSummary.Print(context.Out, result, outputs);
        if (result.Status == TrainStatus.Interrupted)
        {
            context.Report($"interrupted after epoch {result.EpochsRun} of {options.Epochs}; wrote the model and loss curve so far (status \"interrupted\"){resumeHint}");
            return ExitCodes.Interrupted;
        }
        if (result.Status == TrainStatus.SizeLimit)
            context.Report($"stopped after epoch {result.EpochsRun:N0} of {options.Epochs:N0}: more epochs would make the model or loss-curve file larger than the {ModelFile.MaxBytes >> 20} MiB addmlp reads back; wrote the model and loss curve so far (status \"size_limit\")");
        if (result.Status == TrainStatus.TimeLimit)
            context.Report($"--max-time was up after epoch {result.EpochsRun} of {options.Epochs}; wrote the model and loss curve so far (status \"time_limit\"){resumeHint}");
        return ExitCodes.Ok;
    }

    /// <summary>The model and loss curve (and at the end the plot), committed together: a checkpoint, or the run's result.</summary>
    private static ModelDocument Save(TrainResult result, TrainOutputs outputs, bool plot)
    {
        ModelDocument model = ModelDocument.From(result);
        LossCurveDocument curve = LossCurveDocument.From(result);
        using var files = new OutputFiles();
        JsonFile.Stage(files, outputs.Model, model);
        JsonFile.Stage(files, outputs.LossCurve, curve);
        if (plot && outputs.Plot is not null)
            LossCurvePlot.Stage(files, curve, outputs.Plot, LossCurvePlot.Title(curve, result.Options));
        files.Commit();
        return model;
    }

    private static string Kept(string model) => File.Exists(model) ? $" (the previous {model} is kept)" : "";
}
