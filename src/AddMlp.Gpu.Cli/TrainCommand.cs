using System.CommandLine;
using System.Globalization;
using AddMlp.Gpu;

namespace AddMlp.Gpu.Cli;

/// <summary>`addmlp train`: learn addition, print the tutorial's progress and a summary, write the model and loss curve.</summary>
public static class TrainCommand
{
    public static Command Create(CliContext context)
    {
        var defaults = new TrainOptions();
        Option<string> device = CommonOptions.Device(defaults.Device, "Where to train: auto (CUDA if available, else CPU), cpu, cuda or cuda:N");
        Option<double> lr = CommonOptions.Positive("--lr", defaults.LearningRate, "Adam learning rate", "RATE");
        Option<int> epochs = CommonOptions.AtLeast("--epochs", defaults.Epochs, 1, "Full-batch training epochs");
        var seed = new Option<long>("--seed") { Description = "Seed for the data and the initial weights", DefaultValueFactory = _ => defaults.Seed, HelpName = "N" };
        seed.CustomParser = result =>
        {
            string text = result.Tokens.Single().Value;
            if (!long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out long value))
                result.AddError($"--seed must be a whole number, got '{text}'");
            return value;
        };
        Option<int> samples = CommonOptions.AtLeast("--samples", defaults.Samples, 1, "Training pairs, uniform in [0, 1)");
        Option<int> logEvery = CommonOptions.AtLeast("--log-every", defaults.LogEvery, 1, "Print the loss every N epochs (epoch 1, 1+N, ...)");
        Option<string> model = CommonOptions.ModelPath("Where to write the model (JSON)");
        var lossCurve = new Option<string>("--loss-curve") { Description = "Where to write every epoch's loss (JSON)", DefaultValueFactory = _ => LossCurveFile.DefaultPath, HelpName = "PATH" };
        var quiet = new Option<bool>("--quiet", "-q") { Description = "Print nothing but errors" };

        var command = new Command("train", "Train the network to add two numbers; writes the model and the loss curve.")
        {
            device, lr, epochs, seed, samples, logEvery, model, lossCurve, quiet,
        };
        command.SetAction((parse, _) =>
        {
            var options = new TrainOptions
            {
                Device = parse.GetValue(device)!,
                LearningRate = parse.GetValue(lr),
                Epochs = parse.GetValue(epochs),
                Seed = parse.GetValue(seed),
                Samples = parse.GetValue(samples),
                LogEvery = parse.GetValue(logEvery),
            };
            return Task.FromResult(Run(context, options, parse.GetValue(model)!, parse.GetValue(lossCurve)!, parse.GetValue(quiet)));
        });
        return command;
    }

    private static int Run(CliContext context, TrainOptions options, string modelPath, string lossCurvePath, bool quiet)
    {
        OutputPath.CheckWritable(modelPath, "--model");
        OutputPath.CheckWritable(lossCurvePath, "--loss-curve");
        if (Path.GetFullPath(modelPath) == Path.GetFullPath(lossCurvePath))
            throw new UsageException($"--model and --loss-curve both name '{modelPath}': give them different paths");

        TrainResult result = Trainer.Train(options, quiet ? null : new EpochLogPrinter(context.Err), context.Interrupt);

        if (result.Status == TrainStatus.Diverged)
        {
            // The weights are useless: keep whatever model file was there, but show how the loss went.
            LossCurveFile.Save(lossCurvePath, LossCurveDocument.From(result));
            string kept = File.Exists(modelPath) ? $"the previous {modelPath} is kept" : "no model written";
            context.Err.WriteLine($"addmlp: training diverged at epoch {result.EpochsRun} (loss = {Numbers.Loss(result.FinalLoss)}); try a smaller --lr ({kept}; loss curve in {lossCurvePath})");
            return ExitCodes.RunFailed;
        }

        ModelFile.Save(modelPath, ModelDocument.From(result));
        LossCurveFile.Save(lossCurvePath, LossCurveDocument.From(result));

        if (!quiet)
            PrintSummary(context.Out, result, modelPath, lossCurvePath);
        if (result.Status == TrainStatus.Interrupted)
        {
            context.Err.WriteLine($"addmlp: interrupted after epoch {result.EpochsRun} of {options.Epochs}; wrote the model and loss curve so far (status \"interrupted\")");
            return ExitCodes.Interrupted;
        }
        return ExitCodes.Ok;
    }

    private static void PrintSummary(TextWriter o, TrainResult result, string modelPath, string lossCurvePath)
    {
        o.WriteLine($"device:     {result.Device.Name} ({result.Device.Reason})");
        o.WriteLine($"final loss: {Numbers.Loss(result.FinalLoss)} (epoch {result.EpochsRun})");
        if (result.Options.Architecture.Hidden.Count == 0)
        {
            float[] w = result.StateDict["0.weight"].Values;
            float b = result.StateDict["0.bias"].Values[0];
            o.WriteLine($"learned:    weight [{Numbers.Exact(w[0])}, {Numbers.Exact(w[1])}], bias {Numbers.Exact(b)} (exact addition: [1, 1], 0)");
        }
        o.WriteLine($"elapsed:    {result.Elapsed.TotalMilliseconds.ToString("F1", CultureInfo.InvariantCulture)} ms");
        o.WriteLine($"wrote:      {modelPath}, {lossCurvePath}");
    }
}
