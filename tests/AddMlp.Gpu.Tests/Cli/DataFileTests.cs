using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Parquet;
using Parquet.Schema;

namespace AddMlp.Gpu.Tests;

/// <summary>
/// Data in, results out: `predict --input/--output`, `eval --input` and `train --data` on CSV, TSV,
/// whitespace-separated text and Parquet, from files and stdin, and what they refuse.
/// </summary>
public sealed class DataFileTests : IDisposable
{
    private readonly TempDir _dir = new();

    public DataFileTests() => ModelFile.Save(_dir.File("model.json"), Skewed());

    public void Dispose() => _dir.Dispose();

    /// <summary>Not the exact adder, and a hidden layer: sums that show whether a and b were read as given.</summary>
    private static ModelDocument Skewed() => new()
    {
        Architecture = Architecture.Adder([2], Activation.Tanh),
        StateDict = new()
        {
            ["0.weight"] = new TensorData([2, 2], [0.7, 0.2, -0.3, 1.1]),
            ["0.bias"] = new TensorData([2], [0.01, -0.02]),
            ["2.weight"] = new TensorData([1, 2], [1.5, 0.9]),
            ["2.bias"] = new TensorData([1], [0.003]),
        },
    };

    private static readonly string[] Pairs = ["0.3", "0.5", "-2", "10", "0.001", "2.5E2", "7", "8"];

    private CliResult Predict(params string[] args) => Cli.Run(_dir.Path, ["predict", "--model", "model.json", .. args]);

    private void Write(string name, string text) => File.WriteAllText(_dir.File(name), text, new UTF8Encoding(false));

    public static TheoryData<string, string> TextFiles => new()
    {
        { "header.csv", "a,b\n0.3,0.5\n-2,10\n0.001,2.5E2\n7,8\n" },
        { "bare.csv", "0.3,0.5\n-2,10\n0.001,2.5E2\n7,8" },
        { "crlf.csv", "a,b\r\n0.3,0.5\r\n-2,10\r\n0.001,2.5E2\r\n7,8\r\n" },
        { "tabs.tsv", "a\tb\n0.3\t0.5\n-2\t10\n0.001\t2.5E2\n7\t8\n" },
        { "spaces.txt", "# measured pairs\n  0.3   0.5\n\n-2 10  \n# more\n0.001\t 2.5E2\n7 8\n" },
        { "reordered.csv", "B,A\n0.5,0.3\n10,-2\n2.5E2,0.001\n8,7\n" },
        { "quoted.csv", "\"a\",\"b\"\n\"0.3\",\"0.5\"\n-2, 10\n0.001,2.5E2\n7,8\n" },
        { "bom.csv", "\uFEFFa,b\n0.3,0.5\n-2,10\n0.001,2.5E2\n7,8\n" },
    };

    [Theory]
    [MemberData(nameof(TextFiles))]
    public void A_text_file_gives_the_sums_predict_gives_for_the_same_pairs(string name, string text)
    {
        Write(name, text);
        CliResult expected = Predict(Pairs);
        Assert.True(expected.ExitCode == 0, expected.ToString());

        CliResult fromFile = Predict("--input", name);

        Assert.True(fromFile.ExitCode == 0, fromFile.ToString());
        Assert.Equal(expected.StdOut, fromFile.StdOut);
        Assert.Equal(4, fromFile.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Fact]
    public void Seq_and_python_written_files_and_stdin_give_the_same_sums()
    {
        CliResult seq = Cli.Shell(_dir.Path, "seq 1 8 | paste -d ' ' - - > seq.txt && $ADDMLP predict --model model.json --input seq.txt");
        CliResult piped = Cli.Shell(_dir.Path, "seq 1 8 | paste - - | $ADDMLP predict --model model.json --input -");
        CliResult args = Predict("1", "2", "3", "4", "5", "6", "7", "8");
        Assert.True(seq.ExitCode == 0, seq.ToString());
        Assert.Equal(args.StdOut, seq.StdOut);
        Assert.Equal(args.StdOut, piped.StdOut);

        // Python's csv module: CRLF rows, floats as repr writes them.
        CliResult python = Cli.Shell(_dir.Path,
            "python3 -c \"import csv; w = csv.writer(open('py.csv', 'w', newline='')); w.writerow(['a', 'b']); w.writerows([(0.3, 0.5), (-2, 10), (0.001, 250.0), (7, 8)])\""
            + " && $ADDMLP predict --model model.json --input py.csv");
        Assert.True(python.ExitCode == 0, python.ToString());
        Assert.Equal(Predict(Pairs).StdOut, python.StdOut);
    }

    [Fact]
    public void A_parquet_file_is_read_by_column_name_or_the_first_numeric_columns()
    {
        // Written by Parquet.Net, as pandas and pyarrow write them: nullable columns, mixed types, other columns beside.
        WriteParquet("named.parquet",
            (new DataField<string>("label"), new[] { "p", "q", "r", "s" }),
            (new DataField<double?>("b"), new double?[] { 0.5, 10, 250, 8 }),
            (new DataField<float?>("A"), new float?[] { 0.3f, -2, 0.001f, 7 }));
        WriteParquet("positional.parquet",
            (new DataField<string>("label"), new[] { "p", "q", "r", "s" }),
            (new DataField<float>("x"), new float[] { 0.3f, -2, 0.001f, 7 }),
            (new DataField<long>("y"), new long[] { 1, 10, 250, 8 }));

        CliResult named = Predict("--input", "named.parquet");
        CliResult positional = Predict("--input", "positional.parquet");

        // float32 columns hold float32 values: the model (float32) rounds its inputs to them anyway.
        Assert.True(named.ExitCode == 0, named.ToString());
        Assert.Equal(Predict(Pairs).StdOut, named.StdOut);
        Assert.Equal(Predict("0.3", "1", "-2", "10", "0.001", "250", "7", "8").StdOut, positional.StdOut);
    }

    [Fact]
    public void Output_is_csv_with_a_b_sum_or_parquet_by_its_name()
    {
        Write("pairs.csv", "a,b\n0.3,0.5\n-2,10\n0.001,2.5E2\n7,8\n");
        string[] sums = Predict(Pairs).StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries);

        CliResult csv = Predict("--input", "pairs.csv", "--output", "sums.csv");
        CliResult parquet = Predict("--input", "pairs.csv", "--output", "sums.parquet");
        CliResult stdout = Predict("--input", "pairs.csv", "--output", "-");

        Assert.True(csv.ExitCode == 0 && parquet.ExitCode == 0, csv + "\n" + parquet);
        string[] expected = ["a,b,sum", $"0.3,0.5,{sums[0]}", $"-2,10,{sums[1]}", $"0.001,2.5E2,{sums[2]}", $"7,8,{sums[3]}"];
        Assert.Equal(expected, File.ReadAllLines(_dir.File("sums.csv")));
        Assert.Equal(string.Join('\n', expected) + "\n", stdout.StdOut);
        Assert.Empty(csv.StdOut);

        var columns = ReadParquet("sums.parquet");
        Assert.Equal(["a", "b", "sum"], columns.Keys);
        Assert.Equal([0.3, -2, 0.001, 7], columns["a"]);
        Assert.Equal([0.5, 10, 250, 8], columns["b"]);
        Assert.Equal(sums.Select(s => float.Parse(s, CultureInfo.InvariantCulture)), columns["sum"].Select(s => (float)s)); // the float32 model's sums, exactly
    }

    public static TheoryData<string, string, string[], string> BadInputs => new()
    {
        // name, shell set-up, predict's arguments after --model, what stderr says
        { "one column", "printf 'a,b\\n1,2\\n3\\n' > in.csv", ["--input", "in.csv"], "'in.csv' line 3: has 1 column, expected 2 (a, b)" },
        { "three columns", "printf '1,2\\n3,4,5\\n' > in.csv", ["--input", "in.csv"], "'in.csv' line 2: has 3 columns, expected 2" },
        { "a word", "printf '1,2\\n3,x\\n' > in.csv", ["--input", "in.csv"], "'in.csv' line 2: column b is 'x', not a number" },
        { "NaN", "printf '1,2\\nNaN,4\\n' > in.csv", ["--input", "in.csv"], "'in.csv' line 2: column a is 'NaN', not a finite number" },
        { "infinity", "printf '# c\\n1,-inf\\n' > in.csv", ["--input", "in.csv"], "'in.csv' line 2: column b is '-inf', not a finite number" },
        { "beyond float32", "printf '1,1e39\\n' > in.csv", ["--input", "in.csv"], "column b is '1e39', beyond float32's range" },
        { "an empty field", "printf '1,2\\n,4\\n' > in.csv", ["--input", "in.csv"], "'in.csv' line 2: column a is empty" },
        { "an empty file", ": > in.csv", ["--input", "in.csv"], "'in.csv' is empty: it has no rows" },
        { "a header only", "printf 'a,b\\n' > in.csv", ["--input", "in.csv"], "'in.csv' has a header but no rows" },
        { "a 10 MB line", "printf '1,' > in.csv && head -c 10000000 /dev/zero | tr '\\0' 7 >> in.csv", ["--input", "in.csv"], "'in.csv' line 1: is longer than 1,048,576 characters" },
        { "a binary file", "head -c 4096 \"$(command -v sh)\" > in.csv", ["--input", "in.csv"], "'in.csv' line 1: holds binary data (a NUL byte), not text" },
        { "UTF-8 that is not", "printf '1,2\\n3,\\377\\n' > in.csv", ["--input", "in.csv"], "'in.csv' line 2: holds binary data, not text" },
        { "a byte-order mark inside", "printf '1,2\\n' > in.csv && printf '\\357\\273\\2773,4\\n' >> in.csv", ["--input", "in.csv"], "'in.csv' line 2: holds a byte-order mark (U+FEFF)" },
        { "Parquet without numbers", "", ["--input", "words.parquet"], "'words.parquet' has no numeric columns; addmlp needs 2: a, b" },
        { "Parquet with a null", "", ["--input", "null.parquet"], "'null.parquet' row group 1, row 2: column 'b' is empty (null)" },
        { "not Parquet after all", "printf 'PAR1 nothing else' > in.parquet", ["--input", "in.parquet"], "'in.parquet' is not a Parquet file addmlp can read" },
        { "Parquet on stdin", "", ["--input", "-"], "standard input is Parquet, which is read from a file" },
        { "a FIFO", "mkfifo in.fifo", ["--input", "in.fifo"], "'in.fifo' is a FIFO (named pipe), not a regular file" },
        { "/dev/zero", "", ["--input", "/dev/zero"], "'/dev/zero' is a character device, not a regular file" },
        { "zeros on stdin", "", ["--input", "-"], "standard input line 1: holds binary data (a NUL byte)" },
        { "stdin closed", "", ["--input", "-"], "standard input is empty: it has no rows" },
        { "a directory", "mkdir in.d", ["--input", "in.d"], "'in.d' is a directory" },
        { "no such file", "", ["--input", "missing.csv"], "'missing.csv' does not exist" },
        { "input is output", "printf '1,2\\n' > in.csv", ["--input", "in.csv", "--output", "in.csv"], "--output 'in.csv' is the file --input reads" },
        { "output is the model", "printf '1,2\\n' > in.csv", ["--input", "in.csv", "--output", "model.json"], "--output 'model.json' is the file --model reads" },
        { "pairs and a file", "printf '1,2\\n' > in.csv", ["--input", "in.csv", "1", "2"], "give pairs on the command line or --input, not both" },
        { "a model too small", "printf '3e38,3e38\\n' > in.csv", ["--model", "exact.json", "--input", "in.csv"], "(row 1 of 'in.csv'): the inputs or the model's weights are too large" },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public void Bad_input_is_one_line_exit_2_and_leaves_the_output_as_it_was(string name, string setUp, string[] args, string message)
    {
        WriteParquet("words.parquet", (new DataField<string>("a"), new[] { "x" }), (new DataField<string>("b"), new[] { "y" }));
        WriteParquet("null.parquet", (new DataField<double?>("a"), new double?[] { 1, 2 }), (new DataField<double?>("b"), new double?[] { 3, null }));
        Models.WriteExactAdder(_dir.File("exact.json"));
        Write("out.csv", "kept\n");
        string redirect = name switch
        {
            "Parquet on stdin" => " < null.parquet",
            "zeros on stdin" => " < /dev/zero",
            "stdin closed" => " <&-",
            _ => "",
        };
        // Every run writes out.csv unless it names another output: a failed one leaves it as it was.
        string quoted = string.Join(' ', (args.Contains("--output") ? args : [.. args, "--output", "out.csv"]).Select(a => $"'{a}'"));

        string model = args.Contains("--model") ? "" : "--model model.json ";
        CliResult run = Cli.Shell(_dir.Path, $"{(setUp == "" ? "" : setUp + " && ")}$ADDMLP predict {model}{quoted}{redirect}");

        Assert.True(run.ExitCode == 2, $"{name}: {run}");
        Assert.Single(run.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains(message, run.StdErr);
        Assert.Equal("kept\n", File.ReadAllText(_dir.File("out.csv")));
        Assert.DoesNotContain(_dir.Files(), f => f.StartsWith(".addmlp-", StringComparison.Ordinal));
        Assert.Empty(run.StdOut);
    }

    [Fact]
    public void Ten_million_rows_stream_in_the_memory_of_ten_thousand()
    {
        static void Rows(string path, int count)
        {
            using var file = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 20);
            file.Write("a,b\n");
            for (int i = 0; i < count; i++)
                file.Write(string.Create(CultureInfo.InvariantCulture, $"{i * 1e-7},{1 - i * 1e-7}\n"));
        }
        Rows(_dir.File("small.csv"), 10_000);
        Rows(_dir.File("large.csv"), 10_000_000);
        const string Measure = "python3 -c \"import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True); print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\"";

        CliResult small = Cli.Shell(_dir.Path, $"{Measure} $ADDMLP predict --model model.json --input small.csv --output small-sums.csv");
        CliResult large = Cli.Shell(_dir.Path, $"{Measure} $ADDMLP predict --model model.json --input large.csv --output large-sums.csv");

        Assert.True(small.ExitCode == 0 && large.ExitCode == 0, small + "\n" + large);
        long smallKiB = long.Parse(small.StdOut.Trim(), CultureInfo.InvariantCulture), largeKiB = long.Parse(large.StdOut.Trim(), CultureInfo.InvariantCulture);
        Assert.True(largeKiB - smallKiB <= 30 * 1024, $"peak memory: {smallKiB} KiB for 1e4 rows, {largeKiB} KiB for 1e7");
        Assert.Equal(10_000_001, File.ReadLines(_dir.File("large-sums.csv")).Count());
        Assert.Equal("0,1,", File.ReadLines(_dir.File("large-sums.csv")).Skip(1).First()[..4]);
    }

    /// <summary>Rows a, b, y with y = a + b + noise, seeded; returns the exact rule's RMSE on them as the test computes it.</summary>
    private double WriteNoisy(string name, int rows, double noise, int seed)
    {
        var random = new Random(seed);
        var text = new StringBuilder("a,b,y\n");
        double squared = 0;
        for (int i = 0; i < rows; i++)
        {
            double a = Math.Round(random.NextDouble() * 20 - 10, 4), b = Math.Round(random.NextDouble() * 20 - 10, 4);
            double gauss = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
            double y = Math.Round(a + b + noise * gauss, 6);
            squared += (a + b - y) * (a + b - y);
            text.Append(CultureInfo.InvariantCulture, $"{a},{b},{y}\n");
        }
        Write(name, text.ToString());
        return Math.Sqrt(squared / rows);
    }

    [Fact]
    public void Train_on_a_noisy_measured_file_and_eval_on_it_tell_how_close_the_model_is_to_addition()
    {
        double labelNoise = WriteNoisy("measured.csv", 4000, 0.05, seed: 11);

        CliResult train = Cli.Run(_dir.Path, "train", "--quiet", "--data", "measured.csv", "--val-fraction", "0.2", "--batch-size", "256", "--epochs", "60", "--lr", "0.01", "--model", "learned.json");
        CliResult eval = Cli.Run(_dir.Path, "eval", "--model", "learned.json", "--input", "measured.csv", "--json");
        CliResult text = Cli.Run(_dir.Path, "eval", "--model", "learned.json", "--input", "measured.csv");

        Assert.True(train.ExitCode == 0, train.ToString());
        Assert.True(eval.ExitCode == 0, eval.ToString());
        using JsonDocument model = JsonDocument.Parse(File.ReadAllText(_dir.File("learned.json")));
        JsonElement data = model.RootElement.GetProperty("training").GetProperty("data");
        Assert.Equal("measured.csv", data.GetProperty("path").GetString());
        Assert.Equal(4000, data.GetProperty("rows").GetInt64());
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(_dir.File("measured.csv")))), data.GetProperty("sha256").GetString());

        using JsonDocument report = JsonDocument.Parse(eval.StdOut);
        JsonElement figures = report.RootElement.GetProperty("data");
        Assert.Equal(4000, figures.GetProperty("rows").GetInt64());
        Assert.Equal(labelNoise, figures.GetProperty("exact_rule").GetProperty("rmse").GetDouble(), 1e-9);
        double fromAddition = figures.GetProperty("model_from_exact_rule").GetProperty("rmse").GetDouble();
        Assert.True(fromAddition < 0.02, $"the model is {fromAddition} from a + b (RMSE) on the file's pairs");
        Assert.True(figures.GetProperty("model").GetProperty("rmse").GetDouble() < 1.2 * labelNoise, eval.StdOut);
        Assert.Contains("a + b vs y", text.StdOut);
        Assert.Contains("data:    measured.csv (4000 rows)", text.StdOut);
    }

    [Fact]
    public void Eval_of_the_exact_adder_on_labels_reports_their_own_noise()
    {
        Models.WriteExactAdder(_dir.File("exact.json"));
        double labelNoise = WriteNoisy("labels.tsv", 500, 0.1, seed: 3);
        File.WriteAllText(_dir.File("labels.tsv"), File.ReadAllText(_dir.File("labels.tsv")).Replace(',', '\t'));

        CliResult eval = Cli.Shell(_dir.Path, "$ADDMLP eval --model exact.json --input - --json < labels.tsv");

        Assert.True(eval.ExitCode == 0, eval.ToString());
        using JsonDocument report = JsonDocument.Parse(eval.StdOut);
        JsonElement data = report.RootElement.GetProperty("data");
        Assert.Equal(labelNoise, data.GetProperty("model").GetProperty("rmse").GetDouble(), 1e-6);
        Assert.Equal(labelNoise, data.GetProperty("exact_rule").GetProperty("rmse").GetDouble(), 1e-9);
        Assert.True(report.RootElement.GetProperty("exact_within_tolerance").GetBoolean());
        Assert.Empty(report.RootElement.GetProperty("ranges").EnumerateArray());
    }

    [Fact]
    public void Train_data_reads_parquet_and_records_its_bytes_hash()
    {
        WriteParquet("measured.parquet",
            (new DataField<double>("a"), new double[] { 0.1, 0.2, 0.3, 0.4, 0.5, 0.6 }),
            (new DataField<double>("b"), new double[] { 1, 2, 3, 4, 5, 6 }),
            (new DataField<double>("y"), new double[] { 1.1, 2.2, 3.3, 4.4, 5.5, 6.6 }));

        CliResult train = Cli.Run(_dir.Path, "train", "--quiet", "--data", "measured.parquet", "--epochs", "5", "--model", "pq.json");

        Assert.True(train.ExitCode == 0, train.ToString());
        using JsonDocument model = JsonDocument.Parse(File.ReadAllText(_dir.File("pq.json")));
        JsonElement data = model.RootElement.GetProperty("training").GetProperty("data");
        Assert.Equal(6, data.GetProperty("rows").GetInt64());
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(_dir.File("measured.parquet")))), data.GetProperty("sha256").GetString());
    }

    [Theory]
    [InlineData("--samples", "100")]
    [InlineData("--range", "0:2")]
    [InlineData("--noise", "0.1")]
    public void Train_data_refuses_the_options_of_generated_pairs(string option, string value)
    {
        WriteNoisy("measured.csv", 50, 0.01, seed: 1);

        CliResult run = Cli.Run(_dir.Path, "train", "--data", "measured.csv", option, value);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains($"{option} describes generated pairs; with --data the file's rows are the data: drop {option}", run.StdErr);
        Assert.DoesNotContain(_dir.Files(), f => f.StartsWith("addmlp-", StringComparison.Ordinal));
    }

    [Fact]
    public void Resume_and_config_refuse_changed_or_other_data_and_follow_a_moved_file()
    {
        WriteNoisy("measured.csv", 300, 0.01, seed: 5);
        CliResult first = Cli.Run(_dir.Path, "train", "--quiet", "--data", "measured.csv", "--epochs", "20", "--model", "run.json");
        Assert.True(first.ExitCode == 0, first.ToString());
        File.Copy(_dir.File("measured.csv"), _dir.File("moved.csv"));

        CliResult moved = Cli.Run(_dir.Path, "train", "--quiet", "--resume", "run.json", "--data", "moved.csv", "--epochs", "40", "--model", "resumed.json");
        File.AppendAllText(_dir.File("measured.csv"), "1,2,3\n");
        string runBefore = File.ReadAllText(_dir.File("run.json"));
        CliResult changed = Cli.Run(_dir.Path, "train", "--quiet", "--resume", "run.json", "--epochs", "40");
        CliResult other = Cli.Run(_dir.Path, "train", "--quiet", "--config", "run.json", "--data", "measured.csv", "--model", "new.json");

        Assert.True(moved.ExitCode == 0, moved.ToString());
        Assert.Equal(2, changed.ExitCode);
        Assert.Contains("model file 'run.json' records the data 'measured.csv' (300 rows, SHA-256 ", changed.StdErr);
        Assert.Contains("but 'measured.csv' has 301 rows", changed.StdErr);
        Assert.Equal(runBefore, File.ReadAllText(_dir.File("run.json")));
        Assert.Equal(2, other.ExitCode);
        Assert.Contains("--config 'run.json' records the data 'measured.csv'", other.StdErr);
        Assert.False(File.Exists(_dir.File("new.json")));
    }

    [Fact]
    public void A_data_file_larger_than_memory_allows_is_refused_before_training()
    {
        var text = new StringBuilder();
        for (int i = 0; i < 1_000_000; i++)
            text.Append(CultureInfo.InvariantCulture, $"{i % 1000},{i % 7},{i % 1000 + i % 7}\n");
        Write("big.csv", text.ToString());

        // 48 MiB for the runtime to use, as a container's limit would say; the rows need about 80.
        CliResult run = Cli.Run(new Dictionary<string, string?> { ["DOTNET_GCHeapHardLimit"] = "3000000" }, _dir.Path, "train", "--data", "big.csv");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--data 'big.csv' (1000000 rows, with --epochs 500) would need about", run.StdErr);
        Assert.DoesNotContain("Epoch", run.StdErr);
        Assert.False(File.Exists(_dir.File("addmlp-model.json")));
    }

    [Fact]
    public void The_csv_log_reads_in_pythons_csv_module_row_for_row_equal_to_the_loss_curve()
    {
        Assert.Equal(0, Cli.Run(_dir.Path, "train", "--quiet", "--epochs", "300", "--val-fraction", "0.1", "--csv-log", "log.csv").ExitCode);
        const string Compare = """
            import csv, json
            rows = list(csv.DictReader(open('log.csv', newline='')))
            curve = json.load(open('addmlp-loss.json'))
            assert len(rows) == len(curve['loss']) == 300, (len(rows), len(curve['loss']))
            for i, row in enumerate(rows):
                assert int(row['epoch']) == i + 1
                for column in ('loss', 'val_loss', 'weight_error'):
                    if column in curve:
                        assert float(row[column]) == curve[column][i], (i, column, row[column], curve[column][i])
            print('equal', len(rows), sorted(rows[0].keys()))
            """;
        File.WriteAllText(_dir.File("compare.py"), Compare);

        CliResult python = Cli.Shell(_dir.Path, "python3 compare.py");

        Assert.True(python.ExitCode == 0, python.ToString());
        Assert.StartsWith("equal 300", python.StdOut);
    }

    private void WriteParquet(string name, params (DataField Field, Array Values)[] columns)
    {
        using FileStream stream = File.Create(_dir.File(name));
        ParquetWriter writer = ParquetWriter.CreateAsync(new ParquetSchema(columns.Select(c => (Field)c.Field).ToArray()), stream).GetAwaiter().GetResult();
        using (ParquetRowGroupWriter group = writer.CreateRowGroup())
        {
            foreach (var (field, values) in columns)
            {
                switch (values)
                {
                    case string[] s: group.WriteAsync(field, s).GetAwaiter().GetResult(); break;
                    case double?[] d: group.WriteAsync<double>(field, (ReadOnlyMemory<double?>)d).GetAwaiter().GetResult(); break;
                    case double[] d: group.WriteAsync<double>(field, (ReadOnlyMemory<double>)d).GetAwaiter().GetResult(); break;
                    case float?[] f: group.WriteAsync<float>(field, (ReadOnlyMemory<float?>)f).GetAwaiter().GetResult(); break;
                    case float[] f: group.WriteAsync<float>(field, (ReadOnlyMemory<float>)f).GetAwaiter().GetResult(); break;
                    case long[] l: group.WriteAsync<long>(field, (ReadOnlyMemory<long>)l).GetAwaiter().GetResult(); break;
                    default: throw new ArgumentException(values.GetType().Name);
                }
            }
        }
        writer.DisposeAsync().AsTask().GetAwaiter().GetResult(); // writes the footer
    }

    private Dictionary<string, double[]> ReadParquet(string name)
    {
        using FileStream stream = File.OpenRead(_dir.File(name));
        ParquetReader reader = ParquetReader.CreateAsync(stream).GetAwaiter().GetResult();
        var columns = new Dictionary<string, double[]>();
        foreach (DataField field in reader.Schema.GetDataFields())
        {
            var all = new List<double>();
            for (int g = 0; g < reader.RowGroupCount; g++)
            {
                ParquetRowGroupReader group = reader.OpenRowGroupReader(g);
                var values = new double[group.RowCount];
                group.ReadAsync<double>(field, values.AsMemory()).GetAwaiter().GetResult();
                all.AddRange(values);
            }
            columns[field.Name] = [.. all];
        }
        reader.DisposeAsync().AsTask().GetAwaiter().GetResult();
        return columns;
    }
}
