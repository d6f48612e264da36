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
        var json = new Option<bool>("--json") { Description = "Print the report as JSON" };

        var command = new Command("eval", "Measure a saved model against exact addition: MAE, RMSE and max error in and out of its training range, and a verdict.\n\nExample: addmlp eval --range -1000:1000")
        {
            range, samples, seed, device, json,
        };
        foreach (Option option in model.Options)
            command.Options.Add(option);
        command.SetAction(parse =>
        {
            string path = parse.GetValue(model.Path)!;
            ModelDocument doc = model.Load(parse);
            InputRange trained = doc.Training?.Options.Range ?? InputRange.Unit;
            InputRange[] ranges = parse.GetValue(range) is InputRange only ? [only] : trained == InputRange.Wide ? [trained] : [trained, InputRange.Wide];
            ResolvedDevice where = Devices.Resolve(parse.GetValue(device));
            int n = parse.GetValue(samples);
            long s = parse.GetValue(seed);

            RangeError[] errors = ranges.Select(r => Evaluator.Evaluate(doc, r, n, s, where, context.Interrupt)).ToArray();
            context.Interrupt.ThrowIfCancellationRequested();
            var coefficients = ExactRule.Coefficients(doc.Architecture, doc.StateDict);
            double? distance = coefficients is { } c ? ExactRule.Distance(c) : null;
            double worst = errors.Max(e => e.MaxError);
            bool exact = distance is double dist ? dist <= ExactRule.Tolerance : worst <= ExactRule.Tolerance;

            if (parse.GetValue(json))
            {
                var report = new EvalReportJson(
                    path,
                    errors,
                    coefficients is { } w ? [w.W0, w.W1] : null,
                    coefficients?.Bias,
                    distance,
                    exact,
                    ExactRule.Tolerance);
                context.Out.WriteLine(CliJson.Serialize(report));
            }
            else
            {
                Print(context.Out, path, doc, errors, coefficients, distance, exact, worst);
            }
            return ExitCodes.Ok;
        });
        return command;
    }

    private static void Print(TextWriter o, string path, ModelDocument doc, RangeError[] errors,
        (double W0, double W1, double Bias)? coefficients, double? distance, bool exact, double worst)
    {
        o.WriteLine($"model:   {path} ({doc.Architecture}, {EnumNames<DType>.Of(doc.Dtype)})");
        o.WriteLine($"{"range",-14}{"samples",9}{"MAE",12}{"RMSE",12}{"max error",12}");
        foreach (RangeError e in errors)
            o.WriteLine($"{e.Range,-14}{e.Samples,9}{Numbers.Loss(e.Mae),12}{Numbers.Loss(e.Rmse),12}{Numbers.Loss(e.MaxError),12}");
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
            RangeError far = errors.MaxBy(e => e.MaxError)!;
            o.WriteLine(exact
                ? $"verdict: matches a + b to within {tolerance} on every range evaluated"
                : $"verdict: not the exact rule: off by up to {Numbers.Loss(worst)} (on {far.Range}); a network with hidden layers only approximates a + b, and only where it was trained");
        }
    }
}
