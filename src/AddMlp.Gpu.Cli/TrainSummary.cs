using System.Globalization;
using AddMlp.Gpu;

namespace AddMlp.Gpu.Cli;

/// <summary>The few lines `train` ends with: what ran, how it ended, what was learned, where it went.</summary>
public static class TrainSummary
{
    /// <summary>The summary as one JSON object: the model file's training block plus what was learned and written.</summary>
    public static string Json(TrainResult result, string modelPath, string lossCurvePath, string? plotPath)
    {
        ModelDocument model = ModelDocument.From(result);
        var coefficients = ExactRule.Coefficients(result.Options.Architecture, result.StateDict);
        var summary = new TrainSummaryJson(
            model.Training,
            model.Architecture,
            model.Dtype,
            coefficients is { } c ? new LearnedJson([c.W0, c.W1], c.Bias, Formula(c), ExactRule.Distance(c)) : null,
            new FilesJson(modelPath, lossCurvePath, plotPath));
        return CliJson.Serialize(summary);
    }

    public static void Print(TextWriter o, TrainResult result, string modelPath, string lossCurvePath, string? plotPath = null)
    {
        TrainOptions opt = result.Options;
        o.WriteLine($"device:     {result.Device.Name} ({result.Device.Reason})");
        o.WriteLine($"setup:      {Describe(opt)}");
        string ended = result.Status switch
        {
            TrainStatus.TargetReached => $"epoch {result.EpochsRun} of {opt.Epochs}: reached --target-loss {Numbers.Loss(opt.TargetLoss ?? 0)}",
            TrainStatus.Interrupted => $"epoch {result.EpochsRun} of {opt.Epochs}: interrupted",
            _ => $"epoch {result.EpochsRun}",
        };
        string val = result.ValLosses is { Length: > 0 } v ? $", val_loss {Numbers.Loss(v[^1])}" : "";
        o.WriteLine($"final loss: {Numbers.Loss(result.FinalLoss)}{val} ({ended})");
        if (ExactRule.Coefficients(opt.Architecture, result.StateDict) is { } c)
        {
            o.WriteLine($"learned:    {Formula(c)}");
            o.WriteLine($"exact rule: y = a + b; distance of (w, b) to ([1, 1], 0): {Numbers.Loss(ExactRule.Distance(c))}");
        }
        else
        {
            long parameters = result.StateDict.Values.Sum(t => t.Values.LongLength);
            o.WriteLine($"learned:    {parameters} parameters; `addmlp eval` measures how close to a + b they come");
        }
        o.WriteLine($"elapsed:    {result.Elapsed.TotalMilliseconds.ToString("F1", CultureInfo.InvariantCulture)} ms");
        o.WriteLine($"wrote:      {modelPath}, {lossCurvePath}{(plotPath is null ? "" : $", {plotPath}")}");
    }

    /// <summary>y = 0.99998·a + 1.00001·b + 0.00003</summary>
    public static string Formula((double W0, double W1, double Bias) c) =>
        $"y = {F(c.W0)}·a {Signed(c.W1)}·b {Signed(c.Bias)}";

    private static string Describe(TrainOptions o)
    {
        var parts = new List<string>
        {
            o.Architecture.Hidden.Count == 0 ? "Linear(2, 1)" : $"hidden {string.Join(',', o.Architecture.Hidden)} {o.Architecture.Activation}",
            $"{o.Optimizer} lr {Numbers.Plain(o.LearningRate)}",
            o.BatchSize is int b ? $"batch {b}" : "full batch",
            $"{o.TrainingSamples} samples in {o.Range}",
        };
        if (o.ValidationSamples > 0)
            parts.Add($"{o.ValidationSamples} held out");
        if (o.Noise > 0)
            parts.Add($"noise {Numbers.Plain(o.Noise)}");
        if (o.DType != "float32")
            parts.Add(o.DType);
        parts.Add($"seed {o.Seed}");
        return string.Join(", ", parts);
    }

    private static string F(double value) => value.ToString("F5", CultureInfo.InvariantCulture);

    private static string Signed(double value) => value < 0 ? $"- {F(-value)}" : $"+ {F(value)}";
}
