using System.Globalization;
using ScottPlot;
using ScottPlot.TickGenerators;

namespace AddMlp.Gpu;

/// <summary>Draws a loss curve (and val_loss where present) against epoch on a log scale, as PNG or SVG.</summary>
public static class LossCurvePlot
{
    public const int Width = 900, Height = 540;

    /// <summary>The formats <see cref="Save"/> writes, by file extension.</summary>
    public static IReadOnlyList<string> Extensions { get; } = [".png", ".svg"];

    /// <summary>
    /// Renders <paramref name="curve"/> to <paramref name="path"/> (PNG or SVG by extension), titled
    /// <paramref name="title"/>. ScottPlot has no log axis, so log10 of each loss is plotted and the
    /// ticks are labelled as powers of ten; zero and non-finite losses are left out.
    /// </summary>
    public static void Save(LossCurveDocument curve, string path, string title)
    {
        string extension = Path.GetExtension(path).ToLowerInvariant();
        if (!Extensions.Contains(extension))
            throw new ArgumentException($"'{path}': the plot format is chosen by extension: .png or .svg", nameof(path));

        var plot = new Plot();
        AddSeries(plot, curve.Loss, "loss", Colors.C0);
        if (curve.ValLoss is { Length: > 0 } val)
            AddSeries(plot, val, "val_loss", Colors.C1);

        plot.Axes.Left.TickGenerator = new NumericAutomatic
        {
            MinorTickGenerator = new LogMinorTickGenerator(),
            IntegerTicksOnly = true,
            LabelFormatter = exponent => $"1e{exponent.ToString("0", CultureInfo.InvariantCulture)}",
        };
        plot.Title(title);
        plot.XLabel("epoch");
        plot.YLabel("loss (log scale)");
        plot.ShowLegend(Alignment.UpperRight);

        // Rendered to a temporary file beside the target, then renamed: never a half-written plot.
        AtomicFile.Write(path, temp =>
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
