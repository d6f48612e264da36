using System.CommandLine;
using System.Globalization;

namespace AddMlp.Gpu.Cli;

/// <summary>
/// `addmlp lr-find`: the learning-rate range test (fastai's lr_find, Lightning's Tuner.lr_find) on the run
/// train's options describe; prints the suggested rate and plots the loss against the rate.
/// </summary>
public static class LrFindCommand
{
    public const string DefaultPlot = "addmlp-lr-find.png";

    /// <summary>train's options that the range test sets itself, or that mean nothing to it.</summary>
    private static readonly string[] NotForLrFind =
    [
        nameof(TrainOptions.LearningRate), nameof(TrainOptions.Epochs), nameof(TrainOptions.TargetLoss), nameof(TrainOptions.EarlyStop),
        nameof(TrainOptions.LrSchedule), nameof(TrainOptions.LrStepSize), nameof(TrainOptions.LrGamma), nameof(TrainOptions.LrMin), nameof(TrainOptions.LrPctStart),
        nameof(TrainOptions.LrDivFactor), nameof(TrainOptions.LrFinalDivFactor), nameof(TrainOptions.LrBaseMomentum), nameof(TrainOptions.LrMaxMomentum),
    ];

    public static Command Create(CliContext context)
    {
        IReadOnlyList<TrainSetting> table = [.. TrainOptionTable.Create().Where(s => !NotForLrFind.Contains(s.Property))];
        var d = new LrFindSettings();
        Option<double> start = SharedOptions.Finite("--start-lr", d.StartLr, Bounds.Positive, "The first step's rate", "RATE");
        Option<double> end = SharedOptions.Finite("--end-lr", d.EndLr, Bounds.Positive, "The last step's rate (the rates rise exponentially between)", "RATE");
        Option<int> steps = SharedOptions.AtLeast("--steps", d.Steps, LearningRateFinder.SkipBegin + LearningRateFinder.SkipEnd + 2, "Optimizer steps, one per rate", max: 100_000);
        var plot = new Option<string>("--plot") { Description = "Where to draw the loss against the rate (.png or .svg)", DefaultValueFactory = _ => DefaultPlot, HelpName = "FILE" };
        var json = new Option<bool>("--json") { Description = "Print the rates, losses and suggestion as JSON" };

        var command = new Command("lr-find", "Find a learning rate: one step per rate, rising exponentially, until the loss diverges; prints the rate where the loss falls fastest, and plots it.\n\nExample: addmlp lr-find --hidden 16,16 --optimizer sgd, then addmlp train --hidden 16,16 --optimizer sgd --lr RATE");
        foreach (Option option in table.Select(s => s.Option).Concat([start, end, steps, plot, json]))
            command.Options.Add(option);
        command.SetAction(parse =>
        {
            TrainOptions options = new TrainOptionReader(table, parse, null, null, basisIsConfig: false).Read();
            var settings = new LrFindSettings(parse.GetValue(start), parse.GetValue(end), parse.GetValue(steps));
            if (settings.EndLr <= settings.StartLr)
                throw new UsageException($"--end-lr ({Numbers.Plain(settings.EndLr)}) must be above --start-lr ({Numbers.Plain(settings.StartLr)})");
            string plotPath = parse.GetValue(plot)!;
            LossCurvePlot.CheckTarget(plotPath, "--plot");

            LrFindResult result = LearningRateFinder.Run(options, settings, context.Interrupt);
            context.Interrupt.ThrowIfCancellationRequested();
            using (var files = new OutputFiles(context.Interrupt))
            {
                LrFindPlot.Stage(files, result, plotPath, $"addmlp lr-find: {options.Architecture}, {EnumNames<Optimizer>.Of(options.Optimizer)}, {(options.Data is { } data ? $"{data.Rows} rows of {Path.GetFileName(data.Path)}" : $"{options.Samples} samples")}, seed {options.Seed}");
                files.Commit();
            }
            string stopped = result.StoppedEarly ? $", stopped at {Rate(result.Rates[^1])} where the loss diverged" : "";
            if (parse.GetValue(json))
                context.Out.WriteLine(CliJson.Serialize(new LrFindJson(result.SuggestedLr, result.StoppedEarly, result.Rates, result.Losses, result.Smoothed, plotPath)));
            else
                context.Out.WriteLine(result.SuggestedLr is double lr ? $"suggested lr: {Rate(lr)}" : "suggested lr: none (the loss never fell: widen --start-lr/--end-lr or take more --steps)");
            context.WriteErrLine($"lr-find: {result.Rates.Length} steps from {Rate(settings.StartLr)}{stopped}; plot in {plotPath}");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static string Rate(double rate) => rate.ToString("g3", CultureInfo.InvariantCulture);
}
