using System.Globalization;
using ScottPlot;
using ScottPlot.TickGenerators;

namespace AddMlp.Gpu.Cli;

/// <summary>The range test's plot: the loss (raw and smoothed) against the learning rate, both on log scales, the suggested rate marked.</summary>
internal static class LrFindPlot
{
    public static void Stage(OutputFiles outputs, LrFindResult result, string path, string title)
    {
        var plot = new Plot();
        double[] x = [.. result.Rates.Select(Math.Log10)];
        void Series(double[] values, string label, Color color, float width)
        {
            int[] kept = [.. Enumerable.Range(0, values.Length).Where(i => double.IsFinite(values[i]) && values[i] > 0)];
            var line = plot.Add.ScatterLine(kept.Select(i => x[i]).ToArray(), kept.Select(i => Math.Log10(values[i])).ToArray(), color);
            line.LegendText = label;
            line.LineWidth = width;
        }
        Series(result.Losses, "loss", Colors.C0.WithAlpha(0.4), 1);
        Series(result.Smoothed, "smoothed loss", Colors.C0, 2);
        if (result.SuggestedLr is double suggested)
        {
            var mark = plot.Add.VerticalLine(Math.Log10(suggested), 1.5f, Colors.C3);
            mark.LegendText = $"suggested lr {suggested.ToString("g3", CultureInfo.InvariantCulture)}";
        }
        foreach (IAxis axis in (IAxis[])[plot.Axes.Left, plot.Axes.Bottom])
        {
            axis.TickGenerator = new NumericAutomatic
            {
                MinorTickGenerator = new LogMinorTickGenerator(),
                IntegerTicksOnly = true,
                LabelFormatter = exponent => $"1e{exponent.ToString("0", CultureInfo.InvariantCulture)}",
            };
        }
        plot.Title(title);
        plot.XLabel("learning rate (log scale)");
        plot.YLabel("loss (log scale)");
        plot.ShowLegend(Alignment.UpperLeft);
        LossCurvePlot.Stage(outputs, plot, path);
    }
}
