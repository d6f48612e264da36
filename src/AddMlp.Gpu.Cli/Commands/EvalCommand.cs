using System.CommandLine;
using System.Globalization;

namespace AddMlp.Gpu.Cli;

/// <summary>`addmlp eval`: how close a saved model comes to a + b, in its training range and far outside it.</summary>
public static class EvalCommand
{
    public const int DefaultSamples = 10_000, MaxSamples = 10_000_000;
    public const long DefaultSeed = 1234;

    public static Command Create(CliContext context)
    {
        var model = new ModelSource();
        Option<InputRange?> range = SharedOptions.OptionalRange("Evaluate on pairs uniform in [LO, HI) (default: the training range and -100:100)");
        Option<int> samples = SharedOptions.AtLeast("--samples", DefaultSamples, 1, "Fresh pairs per range", max: MaxSamples);
        Option<long> seed = SharedOptions.Seed(DefaultSeed, "Seed for the fresh pairs");
        Option<DeviceRequest> device = SharedOptions.Device(DeviceRequest.Cpu, "Where to run the model");
        Option<string?> input = DataInput.Option("Measure on the labelled rows of FILE (columns a, b, y) instead of fresh pairs: the model against the labels y, beside a + b against them");
        var json = new Option<bool>("--json") { Description = "Print the report as JSON" };

        var command = new Command("eval", "Measure a saved model against exact addition: MAE, RMSE and max error in and out of its training range, and a verdict.\n\nExample: addmlp eval --range -1000:1000, or on measured pairs: addmlp eval --input measured.csv")
        {
            range, samples, seed, input, device, json,
        };
        foreach (Option option in model.Options)
            command.Options.Add(option);
        command.SetAction(parse =>
        {
            string path = parse.GetValue(model.Path)!;
            string? inputPath = parse.GetValue(input);
            if (inputPath is not null && new Option[] { range, samples, seed }.FirstOrDefault(o => parse.GetResult(o) is { Implicit: false }) is { } generated)
                throw new UsageException($"{generated.Name} describes fresh pairs; with --input the pairs are the file's: drop {generated.Name}");
            ModelDocument doc = model.Load(parse);
            InputRange trained = doc.Training?.Options.Range ?? InputRange.Unit;
            InputRange[] ranges = inputPath is not null ? [] : parse.GetValue(range) is InputRange only ? [only] : trained == InputRange.Wide ? [trained] : [trained, InputRange.Wide];
            ResolvedDevice where = Devices.Resolve(parse.GetValue(device));
            int n = parse.GetValue(samples);
            long s = parse.GetValue(seed);

            RangeError[] errors = ranges.Select(r => Evaluator.Evaluate(doc, r, n, s, where, context.Interrupt)).ToArray();
            EvalDataJson? data = null;
            if (inputPath is not null)
            {
                using NumberRows rows = DataInput.Open(inputPath, RowShape.Labelled, context);
                LabelledError measured = Evaluator.Evaluate(doc, rows, where, context.Interrupt);
                data = new EvalDataJson(inputPath, measured.Rows, measured.Model, measured.Exact, measured.ModelFromExact);
            }
            context.Interrupt.ThrowIfCancellationRequested();
            var coefficients = ExactRule.Coefficients(doc.Architecture, doc.StateDict);
            double? distance = coefficients is { } c ? ExactRule.Distance(c) : null;
            double worst = data?.ModelFromExactRule.MaxError ?? errors.Max(e => e.MaxError);
            bool exact = distance is double dist ? dist <= ExactRule.Tolerance : worst <= ExactRule.Tolerance;

            if (parse.GetValue(json))
            {
                var report = new EvalReportJson(
                    path,
                    errors,
                    data,
                    coefficients is { } w ? [w.W0, w.W1] : null,
                    coefficients?.Bias,
                    distance,
                    exact,
                    ExactRule.Tolerance);
                context.Out.WriteLine(CliJson.Serialize(report));
            }
            else
            {
                Print(context.Out, path, doc, errors, data, coefficients, distance, exact, worst);
            }
            return ExitCodes.Ok;
        });
        return command;
    }

    private static void Print(TextWriter o, string path, ModelDocument doc, RangeError[] errors, EvalDataJson? data,
        (double W0, double W1, double Bias)? coefficients, double? distance, bool exact, double worst)
    {
        o.WriteLine($"model:   {path} ({doc.Architecture}, {EnumNames<DType>.Of(doc.Dtype)})");
        if (data is not null)
        {
            o.WriteLine($"data:    {(data.File == DataInput.StandardInput ? "standard input" : data.File)} ({data.Rows} rows)");
            o.WriteLine($"{"error of",-20}{"MAE",12}{"RMSE",12}{"max error",12}");
            foreach (var (what, e) in new[] { ("model vs y", data.Model), ("a + b vs y", data.ExactRule), ("model vs a + b", data.ModelFromExactRule) })
                o.WriteLine($"{what,-20}{Numbers.Loss(e.Mae),12}{Numbers.Loss(e.Rmse),12}{Numbers.Loss(e.MaxError),12}");
            double ratio = data.Model.Rmse / Math.Max(data.ExactRule.Rmse, double.Epsilon);
            string rmse = $"RMSE {Numbers.Loss(data.Model.Rmse)} against a + b's {Numbers.Loss(data.ExactRule.Rmse)}";
            o.WriteLine(ratio <= 1.01
                ? $"labels:  the model fits the labels as well as exact addition does, or better ({rmse}): what is left is their own noise"
                : $"labels:  the model is {ratio.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture)} times as far from the labels as exact addition is ({rmse})");
        }
        else
        {
            o.WriteLine($"{"range",-14}{"samples",9}{"MAE",12}{"RMSE",12}{"max error",12}");
            foreach (RangeError e in errors)
                o.WriteLine($"{e.Range,-14}{e.Samples,9}{Numbers.Loss(e.Mae),12}{Numbers.Loss(e.Rmse),12}{Numbers.Loss(e.MaxError),12}");
        }
        string tolerance = Numbers.Plain(ExactRule.Tolerance);
        if (coefficients is { } c && distance is double d)
        {
            o.WriteLine($"learned: {Numbers.Formula(c)}");
            o.WriteLine($"weights: |w - [1, 1]| = {Numbers.Loss(ExactRule.WeightDistance(c))}, |b| = {Numbers.Loss(Math.Abs(c.Bias))}");
            o.WriteLine(exact
                ? $"verdict: the exact rule y = a + b, to within {tolerance} (distance {Numbers.Loss(d)})"
                : $"verdict: not the exact rule: (w, b) is {Numbers.Loss(d)} from ([1, 1], 0), more than {tolerance}");
        }
        else
        {
            string where = data is not null ? "the file's pairs" : errors.MaxBy(e => e.MaxError)!.Range.ToString();
            o.WriteLine(exact
                ? $"verdict: matches a + b to within {tolerance} on {(data is not null ? "the file's pairs" : "every range evaluated")}"
                : $"verdict: not the exact rule: off by up to {Numbers.Loss(worst)} (on {where}); a network with hidden layers only approximates a + b, and only where it was trained");
        }
    }
}
