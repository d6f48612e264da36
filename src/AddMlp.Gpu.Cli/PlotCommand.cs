using System.CommandLine;
using AddMlp.Gpu;

namespace AddMlp.Gpu.Cli;

/// <summary>`addmlp plot`: the loss curve as a picture (PNG or SVG), loss against epoch on a log scale.</summary>
public static class PlotCommand
{
    public const string DefaultOutput = "addmlp-loss.png";

    public static Command Create(CliContext context)
    {
        var curve = new Option<string>("--loss-curve")
        {
            Description = "The loss-curve file (written by addmlp train)",
            DefaultValueFactory = _ => LossCurveFile.DefaultPath,
            HelpName = "PATH",
        };
        var output = new Option<string>("--output", "-o")
        {
            Description = "The picture to write: .png or .svg",
            DefaultValueFactory = _ => DefaultOutput,
            HelpName = "FILE",
        };
        var model = new Option<string>("--model")
        {
            Description = "The model file the title's settings are read from, if it exists",
            DefaultValueFactory = _ => ModelFile.DefaultPath,
            HelpName = "PATH",
        };
        var command = new Command("plot", "Draw the loss curve (and val_loss) against epoch on a log scale, as PNG or SVG.\n\nExample: addmlp plot -o loss.svg")
        {
            curve, output, model,
        };
        command.SetAction(parse =>
        {
            string target = parse.GetValue(output)!;
            Check(target);
            LossCurveDocument document = LossCurveFile.Load(parse.GetValue(curve)!);
            string modelPath = parse.GetValue(model)!;
            TrainingInfo? training = File.Exists(modelPath) ? ModelFile.Load(modelPath).Training : null;
            LossCurvePlot.Save(document, target, Title(document, training));
            context.Out.WriteLine($"wrote {target}");
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>Fails before any work when <paramref name="path"/> is not a .png/.svg that can be written.</summary>
    public static void Check(string path)
    {
        if (!LossCurvePlot.Extensions.Contains(Path.GetExtension(path).ToLowerInvariant()))
            throw new UsageException($"'{path}': a plot is written as .png or .svg; pick one of those extensions");
        OutputPath.CheckWritable(path, "--output");
    }

    /// <summary>"addmlp: adam lr 0.1, 1000 samples, seed 42, cpu — completed after 500 epochs".</summary>
    public static string Title(LossCurveDocument curve, TrainingInfo? training)
    {
        string run = training is null
            ? $"{curve.Device}"
            : $"{training.Optimizer} lr {Numbers.Plain(training.Lr)}, {training.Samples} samples, seed {training.Seed}, {curve.Device}";
        return $"addmlp: {run}, {curve.Status} after {curve.EpochsRun} epochs";
    }
}
