using System.CommandLine;
using System.Text.Json;

namespace AddMlp.Gpu.Cli;

/// <summary>
/// `addmlp train`: learn addition, print the tutorial's progress and a summary, write the model and loss curve.
/// The options that define the run are <see cref="TrainOptionTable"/>'s; these are the ones about where it
/// starts, what it writes and how it shows.
/// </summary>
public static class TrainCommand
{
    public static Command Create(CliContext context)
    {
        IReadOnlyList<TrainSetting> table = TrainOptionTable.Create();
        Option<int> logEvery = SharedOptions.AtLeast("--log-every", Trainer.DefaultReportEvery, 1, "Print the loss every N epochs (epoch 1, 1+N, ...)");
        Option<string> model = SharedOptions.ModelPath("Where to write the model (JSON)");
        var lossCurve = new Option<string>("--loss-curve") { Description = "Where to write the per-epoch losses (JSON)", DefaultValueFactory = _ => LossCurveFile.DefaultPath, HelpName = "PATH" };
        var quiet = new Option<bool>("--quiet", "-q") { Description = "Print nothing but errors" };
        var plot = new Option<string?>("--plot") { Description = "Also draw the loss curve to FILE (.png or .svg) at the end", HelpName = "FILE" };
        var tensorboard = new Option<string?>("--tensorboard") { Description = "Also log loss, val_loss, weight_error and lr per epoch for TensorBoard in DIR (tensorboard --logdir DIR), written at each log point", HelpName = "DIR" };
        var csvLog = new Option<string?>("--csv-log") { Description = "Also log every epoch's loss, val_loss, lr and weight_error as CSV rows in FILE, written at each log point (continued by --resume)", HelpName = "FILE" };
        var json = new Option<bool>("--json") { Description = "Print the run summary as JSON on stdout (progress still goes to stderr)" };
        var resume = new Option<string?>("--resume") { Description = "Continue the run saved in this model file exactly (--epochs is the total); writes back to it unless --model is given", HelpName = "PATH" };
        var config = new Option<string?>("--config") { Description = "Take the run's options from this JSON file (keys as in a model file, which will do); options given here override it", HelpName = "FILE" };
        var printConfig = new Option<bool>("--print-config") { Description = "Print the resolved options as a config file (JSON) and exit, without training" };
        Option<int?> checkpointEvery = SharedOptions.OptionalWhole("--checkpoint-every", 1, int.MaxValue, "Every N epochs, write the model (resumable) and the loss curve so far; each rewrites both files whole, so 1000 or more is free and 1 makes the tutorial about 60 times slower");
        Option<TimeSpan?> maxTime = SharedOptions.OptionalDuration("--max-time", "Stop cleanly after this long (90s, 10m, 2h), saved resumable (status time_limit)");

        var command = new Command("train", "Train the network to add two numbers; writes the model and the loss curve.\n\nExample: addmlp train --hidden 16,16 --epochs 2000 --lr 0.01 --plot loss.png");
        foreach (Option option in table.Select(s => s.Option).Concat([logEvery, model, lossCurve, plot, tensorboard, csvLog, json, quiet, resume, config, printConfig, checkpointEvery, maxTime]))
            command.Options.Add(option);
        var settings = new RunSettings(table);

        command.SetAction((parse, _) =>
        {
            string? resumePath = parse.GetValue(resume), configPath = parse.GetValue(config);
            if (resumePath is not null && configPath is not null)
                throw new UsageException("--resume continues a run with its own options and --config starts a new one: give one of them");

            // Where the run's options come from: the command line over a config file or the resumed run, over the defaults.
            ResumePoint? point = null;
            ParseResult? basis = null;
            string? basisName = null;
            DataFile? recordedData = null;
            if (resumePath is not null)
            {
                ModelDocument saved = LoadNamed(resumePath, "--resume", ModelFile.Load);
                point = ResumePoint.From(saved, resumePath);
                basisName = $"model file '{resumePath}'";
                basis = ParseSettings(command, settings, ModelFile.ToJson(saved), basisName);
                recordedData = point.Options.Data;
            }
            else if (configPath is not null)
            {
                JsonElement document = LoadNamed(configPath, "--config", path => JsonFile.LoadElement(AddMlpFile.Config, path));
                basisName = $"--config '{configPath}'";
                basis = ParseSettings(command, settings, document, basisName);
                recordedData = RunSettings.RecordedData(document);
            }
            var reader = new TrainOptionReader(table, parse, basis, basisName, basisIsConfig: configPath is not null);
            if (point is not null)
            {
                string[] changed = [.. reader.Changed(ResumePoint.MayChange(point.Options)).Select(s => s.Option.Name)];
                if (changed.Length > 0)
                    throw new UsageException($"--resume continues the run in '{resumePath}' as it was: {string.Join(", ", changed)} would change it (drop {(changed.Length == 1 ? "it" : "them")}, or start a new run with --config {resumePath})");
            }
            TrainOptions options = reader.Read();
            if (recordedData is not null && options.Data is { } data && data.Sha256 != recordedData.Sha256)
                throw new UsageException($"{basisName} records the data '{recordedData.Path}' ({Describe(recordedData)}), but '{data.Path}' has {Describe(data)}: "
                    + (point is not null ? "a resumed run goes on with the data it began on; give that file (--data PATH where it moved)" : "train on the data it records, or change training.data in it for other data"));
            if (point is not null && options.Epochs <= point.EpochsRun)
                throw new UsageException($"the run in '{resumePath}' has already run {point.EpochsRun} of its {point.Options.Epochs} epochs: --epochs is the total, give more than {point.EpochsRun}");
            if (parse.GetValue(printConfig))
            {
                context.Out.WriteLine(CliJson.Serialize(TrainConfigDocument.From(options)));
                return Task.FromResult(ExitCodes.Ok);
            }

            // A resumed run is written back where it came from, unless told otherwise.
            string modelPath = resumePath is not null && parse.GetResult(model) is not { Implicit: false } ? resumePath : parse.GetValue(model)!;
            var outputs = new TrainOutputs(modelPath, parse.GetValue(lossCurve)!, parse.GetValue(plot), parse.GetValue(tensorboard), parse.GetValue(csvLog));
            var display = new TrainDisplay(parse.GetValue(logEvery), parse.GetValue(json), parse.GetValue(quiet));
            var run = new RunControl(point, parse.GetValue(checkpointEvery), parse.GetValue(maxTime));
            (string, string)[] inputs = [.. (resumePath is not null ? [("--resume", resumePath)] : configPath is not null ? [("--config", configPath)] : Array.Empty<(string, string)>()),
                .. (options.Data is { } trainingData ? [("--data", trainingData.Path)] : Array.Empty<(string, string)>())];
            return Task.FromResult(TrainRun.Run(context, options, outputs, inputs, display, run));
        });
        return command;
    }

    private static string Describe(DataFile data) => $"{data.Rows} rows, SHA-256 {data.Sha256[..12]}...";

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
}
