using System.CommandLine;

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
        Option<string> model = SharedOptions.ModelPath("The model file the title's settings are read from, if it exists");
        var command = new Command("plot", "Draw the loss curve (and val_loss) against epoch on a log scale, as PNG or SVG.\n\nExample: addmlp plot -o loss.svg")
        {
            curve, output, model,
        };
        command.SetAction(parse =>
        {
            string target = parse.GetValue(output)!;
            string curvePath = parse.GetValue(curve)!, modelPath = parse.GetValue(model)!;
            LossCurvePlot.CheckTarget(target, "--output");
            PathIdentity.CheckDistinct(("--output", target), ("--loss-curve", curvePath), ("--model", modelPath));
            LossCurveDocument document = LossCurveFile.Load(curvePath);
            TrainOptions? trainedWith = File.Exists(modelPath) ? ModelFile.Load(modelPath).Training?.Options : null;
            using var outputs = new OutputFiles(context.Interrupt);
            LossCurvePlot.Stage(outputs, document, target, LossCurvePlot.Title(document, trainedWith));
            outputs.Commit();
            context.Out.WriteLine($"wrote {target}");
            return ExitCodes.Ok;
        });
        return command;
    }
}
