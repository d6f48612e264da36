using System.Globalization;

namespace AddMlp.Gpu.Cli;

/// <summary>The few lines `train` ends with: what ran, how it ended, what was learned, where it went.</summary>
public static class TrainSummary
{
    /// <summary>The summary as one JSON object: the model file's training block plus what was learned and written.</summary>
    public static string Json(TrainResult result, ModelDocument model, TrainOutputs outputs)
    {
        var coefficients = ExactRule.Coefficients(model.Architecture, model.StateDict);
        var summary = new TrainSummaryJson(
            model.Training,
            model.Architecture,
            model.Dtype,
            coefficients is { } c ? new LearnedJson([c.W0, c.W1], c.Bias, Numbers.Formula(c), ExactRule.Distance(c)) : null,
            new FilesJson(outputs.Model, outputs.LossCurve, outputs.Plot, outputs.TensorBoard));
        return CliJson.Serialize(summary);
    }

    public static void Print(TextWriter o, TrainResult result, TrainOutputs outputs)
    {
        TrainOptions opt = result.Options;
        Row(o, "device:", $"{result.Device.Name} ({result.Device.Reason})");
        Row(o, "setup:", Describe(opt));
        if (result.ResumedAt > 0)
            Row(o, "resumed:", $"at epoch {result.ResumedAt}, where the run had stopped");
        string ended = result.Status switch
        {
            TrainStatus.TargetReached => $"epoch {result.EpochsRun} of {opt.Epochs}: reached --target-loss {Numbers.Loss(opt.TargetLoss ?? 0)}",
            TrainStatus.Interrupted => $"epoch {result.EpochsRun} of {opt.Epochs}: interrupted",
            TrainStatus.TimeLimit => $"epoch {result.EpochsRun} of {opt.Epochs}: --max-time was up",
            TrainStatus.SizeLimit => $"epoch {result.EpochsRun} of {opt.Epochs}: the files hold no more epochs",
            TrainStatus.EarlyStopped => $"epoch {result.EpochsRun} of {opt.Epochs}: val_loss stopped improving; the weights are epoch {result.BestEpoch}'s, its best",
            _ => $"epoch {result.EpochsRun}",
        };
        string val = result.ValLosses is { Length: > 0 } v ? $", val_loss {Numbers.Loss(v[^1])}" : "";
        Row(o, "final loss:", $"{Numbers.Loss(result.FinalLoss)}{val} ({ended})");
        if (ExactRule.Coefficients(opt.Architecture, result.StateDict) is { } c)
        {
            Row(o, "learned:", Numbers.Formula(c));
            Row(o, "exact rule:", $"y = a + b; distance of (w, b) to ([1, 1], 0): {Numbers.Loss(ExactRule.Distance(c))}");
        }
        else
        {
            long parameters = result.StateDict.Values.Sum(t => t.Values.LongLength);
            Row(o, "learned:", $"{parameters} parameters; `addmlp eval` measures how close to a + b they come");
        }
        string kernels = result.Options.Kernels is Kernels k ? $", {EnumNames<Kernels>.Of(k)} kernels" : "";
        string threads = result.Device.IsCuda ? "" : $", {result.ThreadsUsed} CPU thread{(result.ThreadsUsed == 1 ? "" : "s")}";
        Row(o, "elapsed:", $"{result.Elapsed.TotalMilliseconds.ToString("F1", CultureInfo.InvariantCulture)} ms{threads}{kernels}");
        Row(o, "wrote:", $"{outputs.Model}, {outputs.LossCurve}{(outputs.Plot is null ? "" : $", {outputs.Plot}")}"
                    + (outputs.CsvLog is null ? "" : $", {outputs.CsvLog}")
                    + (outputs.TensorBoard is null ? "" : $"; TensorBoard log in {outputs.TensorBoard}"));
    }

    /// <summary>
    /// One labelled line, its value wrapped at spaces to fit an 80-column terminal, continuation lines
    /// indented under the value (a word longer than the room, such as a long path, is left whole).
    /// </summary>
    private static void Row(TextWriter o, string label, string value)
    {
        const int Width = 80, Indent = 12;
        var line = new System.Text.StringBuilder(label.PadRight(Indent));
        foreach (string word in value.Split(' '))
        {
            bool first = line.Length == Indent;
            if (!first && line.Length + 1 + word.Length > Width)
            {
                o.WriteLine(line.ToString());
                line.Clear().Append(' ', Indent);
                first = true;
            }
            line.Append(first ? "" : " ").Append(word);
        }
        o.WriteLine(line.ToString());
    }

    /// <summary>"adam lr 0.1", with the schedule when there is one: "adam lr 0.1 onecycle".</summary>
    internal static string Optimizer(TrainOptions o) =>
        $"{EnumNames<Optimizer>.Of(o.Optimizer)} lr {Numbers.Plain(o.LearningRate)}"
        + (o.LrSchedule == LrSchedule.Constant ? "" : $" {EnumNames<LrSchedule>.Of(o.LrSchedule)}");

    private static string Describe(TrainOptions o)
    {
        var parts = new List<string>
        {
            o.Architecture.ToString(),
            Optimizer(o),
            o.BatchSize is int b ? $"batch {b}" : "full batch",
            o.Data is { } data ? $"{o.TrainingSamples} rows of '{data.Path}'" : $"{o.TrainingSamples} samples in {o.Range}",
        };
        if (o.ValidationSamples > 0)
            parts.Add($"{o.ValidationSamples} held out");
        if (o.Noise > 0)
            parts.Add($"noise {Numbers.Plain(o.Noise)}");
        if (o.DType != DType.Float32)
            parts.Add(EnumNames<DType>.Of(o.DType));
        parts.Add($"seed {o.Seed}");
        return string.Join(", ", parts);
    }
}

/// <summary>Where a run's results go, as the user named them.</summary>
/// <param name="TensorBoard">The folder of TensorBoard's event files (written as the run goes, not at the end); null: none.</param>
public sealed record TrainOutputs(string Model, string LossCurve, string? Plot, string? TensorBoard = null, string? CsvLog = null);
