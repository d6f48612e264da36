using System.CommandLine;

namespace AddMlp.Gpu.Cli;

/// <summary>`addmlp predict A B [A B ...]`: the saved model's sum for each pair, one per line on stdout.</summary>
public static class PredictCommand
{
    /// <summary>System.CommandLine's limit on one argument's values (ArgumentArity allows at most 100,000).</summary>
    private const int MaxNumbers = 100_000;

    /// <summary>What to say when a command line holds more numbers than predict takes; null when it does not.</summary>
    public static string? TooManyNumbers(ParseResult parse)
    {
        if (parse.CommandResult.Command.Name != "predict" || parse.UnmatchedTokens.Count == 0)
            return null;
        int given = parse.Tokens.Count(t => t.Type == System.CommandLine.Parsing.TokenType.Argument);
        return given > MaxNumbers
            ? $"predict takes at most {MaxNumbers / 2:N0} pairs on its command line, got {given:N0} numbers: split them over several runs (e.g. xargs -n {MaxNumbers})"
            : null;
    }

    public static Command Create(CliContext context)
    {
        var numbers = new Argument<string[]>("A B") // usage and the argument list then say the same: [<A B>...], <A B>
        {
            Description = "Pairs of numbers to add: A B [A B ...]",
            Arity = new ArgumentArity(0, MaxNumbers),
            HelpName = "A B",
        };
        numbers.Validators.Add(result =>
        {
            string[] values = result.GetValueOrDefault<string[]>() ?? [];
            string? bad = values.FirstOrDefault(v => !FloatText.TryParseFinite(v, out _));
            string? huge = values.FirstOrDefault(v => FloatText.TryParseFinite(v, out double d) && Math.Abs(d) > float.MaxValue);
            if (bad is not null)
                result.AddError($"'{bad}' is not a finite number{SharedOptions.DecimalPointHint(bad)}; give pairs of numbers, e.g. addmlp predict 0.3 0.5");
            else if (huge is not null)
                result.AddError($"'{huge}' is beyond float32's range (about ±3.4e38); inputs must be within it");
            else if (values.Length % 2 != 0)
                result.AddError($"predict takes pairs of numbers, got {values.Length}; e.g. addmlp predict 0.3 0.5");
        });
        var model = new ModelSource();
        Option<DeviceRequest> device = SharedOptions.Device(DeviceRequest.Cpu, "Where to run the model: cpu (default; evaluated in managed code, no libtorch start-up), auto, cuda or cuda:N");
        var json = new Option<bool>("--json") { Description = "Print the results as a JSON array of {a, b, sum}" };

        var command = new Command("predict", "Add pairs of numbers with a trained model; one sum per line on stdout.\n\nExample: addmlp predict 0.3 0.5 -2 10   (prints 0.8 and 8)")
        {
            numbers, device, json,
        };
        foreach (Option option in model.Options)
            command.Options.Add(option);
        command.SetAction(parse =>
        {
            string[] words = parse.GetValue(numbers) ?? [];
            if (words.Length == 0)
                throw new UsageException("predict needs pairs of numbers to add, e.g. addmlp predict 0.3 0.5");
            var values = words.Select(v => { FloatText.TryParseFinite(v, out double d); return d; }).ToArray();
            var pairs = Enumerable.Range(0, values.Length / 2).Select(i => (values[2 * i], values[2 * i + 1])).ToArray();

            string modelPath = parse.GetValue(model.Path)!;
            ModelDocument doc = model.Load(parse);
            DeviceRequest where = parse.GetValue(device);
            double[] sums = where.Kind == DeviceKind.Cpu
                ? ManagedNetwork.Predict(doc, pairs) // no libtorch needed: a few multiply-adds
                : Predictor.Predict(doc, pairs, Devices.Resolve(where));
            int overflow = Array.FindIndex(sums, s => !double.IsFinite(s) || (doc.Dtype == DType.Float32 && !float.IsFinite((float)s)));
            if (overflow >= 0)
            {
                var (a, b) = pairs[overflow];
                throw new UsageException($"model '{modelPath}' gives {Numbers.Exact(sums[overflow])} for ({a}, {b}): the inputs or the model's weights are too large for its dtype");
            }

            if (parse.GetValue(json))
            {
                PredictRow[] rows = [.. pairs.Select((p, i) => new PredictRow(p.Item1, p.Item2, sums[i]))];
                context.Out.WriteLine(CliJson.SerializePredictions(rows));
            }
            else
            {
                foreach (double sum in sums)
                    context.Out.WriteLine(Numbers.Exact(sum));
            }
            return ExitCodes.Ok;
        });
        return command;
    }
}
