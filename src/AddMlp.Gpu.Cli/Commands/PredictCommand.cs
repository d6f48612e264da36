using System.CommandLine;

namespace AddMlp.Gpu.Cli;

/// <summary>
/// `addmlp predict A B [A B ...]` or `addmlp predict --input FILE`: the saved model's sum for each pair, one
/// per line on stdout, or a, b and sum to --output. Pairs stream through a batch at a time, so a file of any
/// size takes the same memory.
/// </summary>
public static class PredictCommand
{
    /// <summary>System.CommandLine's limit on one argument's values (ArgumentArity allows at most 100,000).</summary>
    private const int MaxNumbers = 100_000;

    /// <summary>Pairs per batch: large enough that per-batch costs vanish, small enough to stay in cache.</summary>
    private const int BatchRows = 1 << 14;

    /// <summary>What to say when a command line holds more numbers than predict takes; null when it does not.</summary>
    public static string? TooManyNumbers(ParseResult parse)
    {
        if (parse.CommandResult.Command.Name != "predict" || parse.UnmatchedTokens.Count == 0)
            return null;
        int given = parse.Tokens.Count(t => t.Type == System.CommandLine.Parsing.TokenType.Argument);
        return given > MaxNumbers
            ? $"predict takes at most {MaxNumbers / 2:N0} pairs on its command line, got {given:N0} numbers: give them in a file with --input (or - for stdin)"
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
        Option<string?> input = DataInput.Option("Read the pairs from FILE, a pair per row (columns a, b)");
        var output = new Option<string?>("--output", "-o")
        {
            Description = "Write a, b and each sum to FILE: CSV with the header a,b,sum, or Parquet for a name ending in .parquet; - writes the CSV to stdout. Written whole or not at all",
            HelpName = "FILE",
        };
        Option<DeviceRequest> device = SharedOptions.Device(DeviceRequest.Cpu, "Where to run the model: cpu (default; evaluated in managed code, no libtorch start-up), auto, cuda or cuda:N");
        var json = new Option<bool>("--json") { Description = "Print the results as a JSON array of {a, b, sum}" };

        var command = new Command("predict", "Add pairs of numbers with a trained model: one sum per line on stdout, or a, b and sum to a CSV or Parquet file.\n\nExample: addmlp predict 0.3 0.5 -2 10   (prints 0.8 and 8), or from a file: addmlp predict --input pairs.csv --output sums.csv")
        {
            numbers, input, output, device, json,
        };
        foreach (Option option in model.Options)
            command.Options.Add(option);
        command.SetAction(parse =>
        {
            string[] words = parse.GetValue(numbers) ?? [];
            string? inputPath = parse.GetValue(input), outputPath = parse.GetValue(output);
            if (words.Length > 0 && inputPath is not null)
                throw new UsageException("give pairs on the command line or --input, not both");
            if (words.Length == 0 && inputPath is null)
                throw new UsageException("predict needs pairs of numbers to add, e.g. addmlp predict 0.3 0.5, or a file of them: --input FILE");
            if (parse.GetValue(json) && (inputPath is not null || outputPath is not null))
                throw new UsageException("--json prints the pairs given on the command line; with --input or --output the results are CSV or Parquet: drop --json");

            string modelPath = parse.GetValue(model.Path)!;
            bool toFile = outputPath is not null && outputPath != DataInput.StandardInput;
            if (toFile)
            {
                OutputPath.CheckWritable(outputPath!, "--output");
                (string, string)[] inputs = inputPath is null or DataInput.StandardInput ? [("--model", modelPath)] : [("--model", modelPath), ("--input", inputPath)];
                PathIdentity.CheckNoInputOverwritten([("--output", outputPath!)], inputs);
            }
            ModelDocument doc = model.Load(parse);
            DeviceRequest where = parse.GetValue(device);
            using BatchPredictor predictor = BatchPredictor.For(doc, where.Kind == DeviceKind.Cpu ? null : Devices.Resolve(where)); // the CPU needs no libtorch: a few multiply-adds
            using NumberRows rows = inputPath is not null
                ? DataInput.Open(inputPath, RowShape.Pairs, context)
                : NumberRows.FromValues([.. words.Select(v => { FloatText.TryParseFinite(v, out double d); return d; })], RowShape.Pairs, "the command line");
            var pump = new Pump(predictor, doc, modelPath, context.Interrupt);

            if (toFile)
            {
                PredictionFormat format = PredictionWriter.FormatFor(outputPath!);
                OutputFiles.Write(outputPath!, temp =>
                {
                    using PredictionWriter writer = PredictionWriter.Create(File.Create(temp), format);
                    pump.Run(rows, writer);
                }, cancellation: context.Interrupt);
            }
            else if (parse.GetValue(json))
            {
                var collected = new JsonPredictions();
                pump.Run(rows, collected);
                context.Out.WriteLine(CliJson.SerializePredictions(collected.Rows));
            }
            else
            {
                // One sum per line, or (--output -) the CSV: on stdout as they come.
                pump.Run(rows, new DelimitedPredictions(context.Out, withInputs: outputPath is not null)); // not disposed: stdout stays open
            }
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>Moves pairs from rows through the model to a writer, a batch at a time.</summary>
    private sealed class Pump(BatchPredictor predictor, ModelDocument doc, string modelPath, CancellationToken interrupt)
    {
        public void Run(NumberRows rows, PredictionWriter writer)
        {
            var pairs = new double[2 * BatchRows];
            var sums = new double[BatchRows];
            var texts = new ValueTexts();
            int n;
            while ((n = rows.Read(pairs, texts)) > 0)
            {
                interrupt.ThrowIfCancellationRequested();
                predictor.Predict(pairs.AsSpan(0, 2 * n), sums.AsSpan(0, n));
                int overflow = Array.FindIndex(sums, 0, n, s => !double.IsFinite(s) || (doc.Dtype == DType.Float32 && !float.IsFinite((float)s)));
                if (overflow >= 0)
                {
                    long row = rows.Rows - n + overflow + 1;
                    string where = rows.Name == "the command line" ? "" : $" (row {row} of {(rows.Name == DataInput.StandardInput ? "standard input" : $"'{rows.Name}'")})";
                    throw new UsageException($"model '{modelPath}' gives {Numbers.Exact(sums[overflow])} for ({Numbers.Exact(pairs[2 * overflow])}, {Numbers.Exact(pairs[2 * overflow + 1])}){where}: the inputs or the model's weights are too large for its dtype");
                }
                writer.Write(pairs.AsSpan(0, 2 * n), sums.AsSpan(0, n), texts);
            }
            writer.Complete();
        }
    }

    /// <summary>The rows --json prints, collected.</summary>
    private sealed class JsonPredictions : PredictionWriter
    {
        public List<PredictRow> Rows { get; } = [];

        public override void Write(ReadOnlySpan<double> pairs, ReadOnlySpan<double> sums, ValueTexts? texts = null)
        {
            for (int i = 0; i < sums.Length; i++)
                Rows.Add(new PredictRow(pairs[2 * i], pairs[2 * i + 1], sums[i]));
        }

        public override void Complete()
        {
        }

        public override void Dispose()
        {
        }
    }
}
