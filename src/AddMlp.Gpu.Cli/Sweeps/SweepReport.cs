using System.Globalization;
using System.Text;
using System.Text.Json;

namespace AddMlp.Gpu.Cli;

/// <summary>What `sweep report` sorts by (written final_loss, best_val_loss, mae, mae_wide, time).</summary>
internal enum SweepMetric
{
    FinalLoss,
    BestValLoss,
    Mae,
    MaeWide,
    Time,
}

/// <summary>How `sweep report` prints its table.</summary>
internal enum ReportFormat
{
    Table,
    Csv,
    Json,
    Markdown,
}

/// <summary>One trial's line of the report: its varying options' values and how it went (null where it has no such figure).</summary>
internal sealed record TrialRow(
    string Trial, IReadOnlyDictionary<string, string> Options, string Status, int? EpochsRun, double? FinalLoss, double? BestValLoss,
    double? Mae, double? MaeWide, double? Time);

/// <summary>
/// The table of a sweep's trials, read from its folder: the options that vary, the final loss, the best
/// val_loss, `addmlp eval`'s mean absolute error in the training range and in -100:100 (its defaults: 10,000
/// fresh pairs, seed 1234, on the CPU), epochs run, status, and the training time of the trial's last run.
/// </summary>
internal static class SweepReport
{
    public static IReadOnlyList<TrialRow> Rows(SweepFolder folder, IReadOnlyList<SweepTrial> trials, IReadOnlyList<string> varying, CancellationToken cancellation)
    {
        var rows = new List<TrialRow>();
        foreach (SweepTrial trial in trials)
        {
            cancellation.ThrowIfCancellationRequested();
            TrialFolder files = folder.Trial(trial);
            TrialStatus status = files.Status();
            var options = varying.ToDictionary(o => o, o => trial.Setting.FirstOrDefault(s => s.Option == o).Value ?? SweepPlan.DefaultValue);
            double[]? loss = null, valLoss = null;
            int? epochs = null;
            if (File.Exists(files.LossCurve))
            {
                LossCurveDocument curve = LossCurveFile.Load(files.LossCurve);
                (loss, valLoss, epochs) = (curve.Loss, curve.ValLoss, curve.EpochsRun);
            }
            double? mae = null, maeWide = null, time = null;
            if (status is TrialStatus.Done or TrialStatus.Stopped && File.Exists(files.Model))
            {
                ModelDocument model = ModelFile.Load(files.Model);
                ResolvedDevice cpu = Devices.Resolve(DeviceRequest.Cpu);
                InputRange trained = model.Training?.Options.Range ?? InputRange.Unit;
                mae = Evaluator.Evaluate(model, trained, EvalCommand.DefaultSamples, EvalCommand.DefaultSeed, cpu, cancellation).Mae;
                maeWide = Evaluator.Evaluate(model, InputRange.Wide, EvalCommand.DefaultSamples, EvalCommand.DefaultSeed, cpu, cancellation).Mae;
                time = model.Training?.Outcome.ElapsedMs / 1000;
            }
            rows.Add(new TrialRow(trial.Id, options, EnumNames<TrialStatus>.Of(status), epochs,
                loss is { Length: > 0 } ? loss[^1] : null, valLoss is { Length: > 0 } ? valLoss.Where(double.IsFinite).DefaultIfEmpty(double.NaN).Min() : null,
                mae, maeWide, time));
        }
        return rows;
    }

    /// <summary>The rows by <paramref name="metric"/>, smallest first; trials without it (not run, diverged) last, in plan order.</summary>
    public static IReadOnlyList<TrialRow> Sorted(IReadOnlyList<TrialRow> rows, SweepMetric metric) =>
        [.. rows.OrderBy(r => Metric(r, metric) is double v && double.IsFinite(v) ? 0 : 1).ThenBy(r => Metric(r, metric) is double v && double.IsFinite(v) ? v : 0)];

    public static double? Metric(TrialRow row, SweepMetric metric) => metric switch
    {
        SweepMetric.FinalLoss => row.FinalLoss,
        SweepMetric.BestValLoss => row.BestValLoss,
        SweepMetric.Mae => row.Mae,
        SweepMetric.MaeWide => row.MaeWide,
        _ => row.Time,
    };

    private static readonly string[] Figures = ["status", "epochs", "final_loss", "best_val_loss", "mae", "mae_wide", "time_s"];

    /// <summary>The rows as the format writes them.</summary>
    public static string Format(IReadOnlyList<TrialRow> rows, IReadOnlyList<string> varying, ReportFormat format)
    {
        string[] header = ["trial", .. varying, .. Figures];
        string[][] cells = [.. rows.Select(r => (string[])[r.Trial, .. varying.Select(o => r.Options[o]), r.Status,
            r.EpochsRun?.ToString(CultureInfo.InvariantCulture) ?? "", Figure(r.FinalLoss), Figure(r.BestValLoss), Figure(r.Mae), Figure(r.MaeWide),
            r.Time is double t ? t.ToString("F3", CultureInfo.InvariantCulture) : ""])];
        switch (format)
        {
            case ReportFormat.Json:
                return CliJson.Serialize<IReadOnlyList<TrialRow>>(rows);
            case ReportFormat.Csv:
                return string.Join('\n', new[] { header }.Concat(cells).Select(line => string.Join(',', line.Select(Csv)))) + "\n";
            case ReportFormat.Markdown:
                var markdown = new StringBuilder();
                markdown.Append("| ").AppendJoin(" | ", header).Append(" |\n|").AppendJoin("|", header.Select((_, i) => i <= varying.Count + 1 ? "---" : "---:")).Append("|\n");
                foreach (string[] line in cells)
                    markdown.Append("| ").AppendJoin(" | ", line.Select(c => c.Replace("|", "\\|"))).Append(" |\n");
                return markdown.ToString();
            default:
                int[] widths = [.. header.Select((h, i) => cells.Select(c => c[i].Length).Append(h.Length).Max())];
                string Line(string[] line) => string.Join("  ", line.Select((c, i) => i > varying.Count + 1 ? c.PadLeft(widths[i]) : c.PadRight(widths[i]))).TrimEnd();
                return string.Join('\n', new[] { Line(header) }.Concat(cells.Select(Line))) + "\n";
        }
    }

    private static string Figure(double? value) => value switch
    {
        null => "",
        double v when double.IsNaN(v) => "nan",
        double v => Numbers.Loss(v),
    };

    private static string Csv(string cell) => cell.IndexOfAny([',', '"', '\n']) >= 0 ? $"\"{cell.Replace("\"", "\"\"")}\"" : cell;

    /// <summary>The loss curves of the first <paramref name="top"/> rows, labelled by their varying options.</summary>
    public static IReadOnlyList<(string Label, double[] Loss)> Curves(SweepFolder folder, IReadOnlyList<SweepTrial> trials, IReadOnlyList<TrialRow> sorted, IReadOnlyList<string> varying, int top) =>
        [.. sorted.Where(r => r.FinalLoss is double v && double.IsFinite(v)).Take(top)
            .Select(r => trials.Single(t => t.Id == r.Trial))
            .Select(t => (t.Label(varying), LossCurveFile.Load(folder.Trial(t).LossCurve).Loss))];
}
