using System.Globalization;
using ScottPlot;
using ScottPlot.TickGenerators;

namespace AddMlp.Gpu.Cli;

/// <summary>Draws a loss curve (and val_loss where present) against epoch on a log scale, as PNG or SVG; a schedule's learning rate on a second axis.</summary>
public static class LossCurvePlot
{
    public const int Width = 900, Height = 540;

    /// <summary>The formats <see cref="Save"/> writes, by file extension.</summary>
    public static IReadOnlyList<string> Extensions { get; } = [".png", ".svg"];

    /// <summary>Fails before any work when <paramref name="path"/> is not a .png/.svg that can be written.</summary>
    public static void CheckTarget(string path, string option)
    {
        if (!Extensions.Contains(Path.GetExtension(path).ToLowerInvariant()))
            throw new UsageException($"'{path}': a plot is written as .png or .svg; pick one of those extensions");
        OutputPath.CheckWritable(path, option);
    }

    /// <summary>"addmlp: Linear(2, 1), adam lr 0.1, 1000 samples (100 held out), seed 42" over "cpu, completed after 500 epochs" (two lines, to fit the plot's width).</summary>
    public static string Title(LossCurveDocument curve, TrainOptions? options)
    {
        if (options is null)
            return $"addmlp: {curve.Device}, {EnumNames<TrainStatus>.Of(curve.Status)} after {curve.EpochsRun} epochs";
        string heldOut = options.ValidationSamples > 0 ? $" ({options.ValidationSamples} held out)" : "";
        return $"addmlp: {options.Architecture}, {TrainSummary.Optimizer(options)}, "
            + $"{(options.Data is { } data ? $"{data.Rows} rows of {Path.GetFileName(data.Path)}" : $"{options.Samples} samples")}{heldOut}, seed {options.Seed}\n{curve.Device}, {EnumNames<TrainStatus>.Of(curve.Status)} after {curve.EpochsRun} epochs";
    }

    /// <summary>
    /// Renders <paramref name="curve"/> (with val_loss, and the schedule's rates on a right axis) as one of
    /// <paramref name="outputs"/>, to <paramref name="path"/> (PNG or SVG by extension), titled <paramref name="title"/>.
    /// </summary>
    internal static void Stage(OutputFiles outputs, LossCurveDocument curve, string path, string title)
    {
        Plot plot = LogPlot(title);
        AddSeries(plot, curve.Loss, "loss", Colors.C0);
        if (curve.ValLoss is { Length: > 0 } val)
            AddSeries(plot, val, "val_loss", Colors.C1);
        if (curve.Lr is { Length: > 0 } rates)
        {
            // The schedule's rates on their own axis, on the right, linear.
            var lr = plot.Add.ScatterLine(Enumerable.Range(1, rates.Length).Select(e => (double)e).ToArray(), rates, Colors.C2);
            lr.LegendText = "lr";
            lr.LineWidth = 1.5f;
            lr.Axes.YAxis = plot.Axes.Right;
            plot.Axes.Right.Label.Text = "lr";
        }
        Stage(outputs, plot, path);
    }

    /// <summary>Several runs' losses on one log-scale plot (a sweep's best trials), each labelled, to <paramref name="path"/> (PNG or SVG: <see cref="CheckTarget"/> first).</summary>
    public static void StageCurves(OutputFiles outputs, IReadOnlyList<(string Label, double[] Loss)> curves, string path, string title)
    {
        Plot plot = LogPlot(title);
        var palette = new ScottPlot.Palettes.Category10();
        for (int i = 0; i < curves.Count; i++)
            AddSeries(plot, curves[i].Loss, curves[i].Label, palette.GetColor(i));
        Stage(outputs, plot, path);
    }

    /// <summary>
    /// A plot of losses against epoch on a log scale. ScottPlot has no log axis, so log10 of each loss is
    /// plotted and the ticks are labelled as powers of ten; zero and non-finite losses are left out.
    /// </summary>
    private static Plot LogPlot(string title)
    {
        var plot = new Plot();
        plot.Axes.Left.TickGenerator = new NumericAutomatic
        {
            MinorTickGenerator = new LogMinorTickGenerator(),
            IntegerTicksOnly = true,
            LabelFormatter = exponent => $"1e{exponent.ToString("0", CultureInfo.InvariantCulture)}",
        };
        plot.Title(title);
        plot.Axes.Title.Label.FontSize = 14;
        plot.XLabel("epoch");
        plot.YLabel("loss (log scale)");
        plot.ShowLegend(Alignment.UpperRight);
        return plot;
    }

    /// <summary>Rendered to a temporary file beside the target, renamed with the command's other outputs: never a half-written plot.</summary>
    internal static void Stage(OutputFiles outputs, Plot plot, string path)
    {
        string extension = Path.GetExtension(path).ToLowerInvariant(); // one of Extensions: CheckTarget came first
        outputs.Stage(path, temp =>
        {
            if (extension == ".png")
                plot.SavePng(temp, Width, Height);
            else
                plot.SaveSvg(temp, Width, Height);
        }, extension);
    }

    private static void AddSeries(Plot plot, double[] values, string label, Color color)
    {
        var xs = new List<double>();
        var ys = new List<double>();
        for (int i = 0; i < values.Length; i++)
        {
            if (double.IsFinite(values[i]) && values[i] > 0)
            {
                xs.Add(i + 1);
                ys.Add(Math.Log10(values[i]));
            }
        }
        var line = plot.Add.ScatterLine(xs.ToArray(), ys.ToArray(), color);
        line.LegendText = label;
        line.LineWidth = 2;
    }
}
