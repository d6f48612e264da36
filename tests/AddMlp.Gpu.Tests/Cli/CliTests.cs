using System.Globalization;
using System.Text.Json;

namespace AddMlp.Gpu.Tests;

/// <summary>End to end through the real executable: what a user sees, the files, the exit codes.</summary>
public sealed class CliTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Train_then_predict_adds_0_3_and_0_5()
    {
        CliResult train = Cli.Run(_dir.Path, "train");
        Assert.True(train.ExitCode == 0, train.ToString());
        Assert.Equal(["addmlp-loss.json", "addmlp-model.json"], _dir.Files());

        CliResult predict = Cli.Run(_dir.Path, "predict", "0.3", "0.5");

        Assert.True(predict.ExitCode == 0, predict.ToString());
        Assert.Equal("", predict.StdErr);
        double sum = double.Parse(predict.StdOut.Trim(), CultureInfo.InvariantCulture);
        Assert.InRange(sum, 0.8 - 1e-4, 0.8 + 1e-4);
    }

    [WithoutCudaFact]
    public void Train_prints_the_tutorial_progress_on_stderr_and_a_summary_on_stdout()
    {
        CliResult train = Cli.Run(_dir.Path, "train", "--epochs", "101");

        Assert.Equal(0, train.ExitCode);
        Assert.Equal(
            ["Epoch: 1     loss: 1.198e+00", "Epoch: 51    loss: 1.381e-02", "Epoch: 101   loss: 1.620e-05"],
            train.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("device:     cpu (auto; CUDA unavailable: this build uses the CPU-only libtorch", train.StdOut);
        Assert.Contains("final loss: 1.620e-05 (epoch 101)", train.StdOut);
        Assert.Contains("learned:    y = 1.00", train.StdOut);
        Assert.Contains("wrote:      addmlp-model.json, addmlp-loss.json", train.StdOut);
        Assert.All(train.StdOut.Split('\n'), line => Assert.True(line.Length <= 80, $"{line.Length} columns: {line}")); // a terminal's width
    }

    [Fact]
    public void Train_quiet_prints_nothing_and_honours_every_option()
    {
        CliResult train = Cli.Run(_dir.Path, "train", "--quiet", "--device", "cpu", "--lr", "0.05", "--epochs", "7", "--seed", "3",
            "--samples", "64", "--log-every", "2", "--model", "m.json", "--loss-curve", "l.json");

        Assert.Equal(0, train.ExitCode);
        Assert.Equal("", train.StdOut + train.StdErr);
        using JsonDocument model = JsonDocument.Parse(File.ReadAllText(_dir.File("m.json")));
        JsonElement t = model.RootElement.GetProperty("training");
        Assert.Equal(0.05, t.GetProperty("lr").GetDouble());
        Assert.Equal(7, t.GetProperty("epochs").GetInt32());
        Assert.Equal(3, t.GetProperty("seed").GetInt64());
        Assert.Equal(64, t.GetProperty("samples").GetInt32());
        Assert.Equal("cpu", t.GetProperty("device_requested").GetString());
        Assert.Equal(7, LossCurveFile.Load(_dir.File("l.json")).Loss.Length);
    }

    [Fact]
    public void Predict_prints_one_line_per_pair_and_json_on_request()
    {
        Assert.Equal(0, Cli.Run(_dir.Path, "train", "--quiet").ExitCode);

        CliResult lines = Cli.Run(_dir.Path, "predict", "0.3", "0.5", "-2", "10", "1e3", "1e3");
        CliResult json = Cli.Run(_dir.Path, "predict", "--json", "0.3", "0.5");

        Assert.Equal(0, lines.ExitCode);
        double[] sums = lines.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(s => double.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        Assert.Equal(3, sums.Length);
        Assert.InRange(sums[1], 8 - 1e-3, 8 + 1e-3);
        Assert.InRange(sums[2], 2000 - 0.1, 2000 + 0.1);
        using JsonDocument doc = JsonDocument.Parse(json.StdOut);
        JsonElement row = doc.RootElement.EnumerateArray().Single();
        Assert.Equal(0.3, row.GetProperty("a").GetDouble());
        Assert.InRange(row.GetProperty("sum").GetDouble(), 0.8 - 1e-4, 0.8 + 1e-4);
    }

    [Fact]
    public void Predict_without_model_file_exits_2_and_names_the_path()
    {
        CliResult result = Cli.Run(_dir.Path, "predict", "0.3", "0.5", "--model", "missing.json");

        Assert.Equal(2, result.ExitCode);
        Assertions.OneLineError(result);
        Assert.Contains("'missing.json' not found", result.StdErr);
        Assert.Contains("addmlp train", result.StdErr);
        Assert.Equal("", result.StdOut);
    }

    [Theory]
    [InlineData("an odd count", "predict takes pairs of numbers, got 3", "0.3", "0.5", "1")]
    [InlineData("a non-number", "'abc' is not a finite number", "0.3", "abc")]
    [InlineData("NaN", "'NaN' is not a finite number", "NaN", "1")]
    [InlineData("no numbers", "predict needs pairs of numbers", "--json")]
    public void Predict_with_malformed_numbers_exits_2_with_a_usage_line(string why, string message, params string[] numbers)
    {
        Assert.Equal(0, Cli.Run(_dir.Path, "train", "--quiet", "--epochs", "5").ExitCode);

        CliResult result = Cli.Run(_dir.Path, ["predict", .. numbers]);

        Assert.True(result.ExitCode == 2, $"{why}: {result}");
        Assertions.OneLineError(result);
        Assert.Contains(message, result.StdErr);
        Assert.Equal("", result.StdOut);
    }

    [WithoutCudaTheory]
    [InlineData("cuda")]
    [InlineData("cuda:1")]
    public void Train_on_cuda_without_cuda_exits_3_says_why_and_writes_nothing(string device)
    {
        CliResult result = Cli.Run(_dir.Path, "train", "--device", device);

        Assert.Equal(3, result.ExitCode);
        Assertions.OneLineError(result);
        Assert.Contains($"--device {device}: CUDA is unavailable: this build uses the CPU-only libtorch", result.StdErr);
        Assert.Empty(_dir.Files());
    }

    [Theory]
    [InlineData("--device gpu", "--device 'gpu' is not one of auto, cpu, cuda, cuda:N")]
    [InlineData("--lr 0", "--lr must be a finite number above 0")]
    [InlineData("--lr Infinity", "--lr must be a finite number above 0")]
    [InlineData("--epochs 0", "--epochs must be at least 1")]
    [InlineData("--samples 0", "--samples must be at least 1")]
    [InlineData("--log-every 0", "--log-every must be at least 1")]
    [InlineData("--epochs many", "--epochs must be a whole number, got 'many'")]
    [InlineData("--epochs 1.5", "--epochs must be a whole number, got '1.5'")]
    [InlineData("--seed x", "--seed must be a whole number, got 'x'")]
    [InlineData("--lr abc", "--lr must be a finite number above 0, got 'abc'")]
    [InlineData("--lr -1", "--lr must be a finite number above 0, got '-1'")]
    [InlineData("--bogus", "--bogus")]
    [InlineData("--model nowhere/m.json", "folder")]
    [InlineData("--model .", "is a directory")]
    public void Train_with_bad_options_exits_2_and_writes_nothing(string args, string message)
    {
        CliResult result = Cli.Run(_dir.Path, ["train", .. args.Split(' ')]);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assertions.OneLineError(result);
        Assert.Contains(message, result.StdErr);
        Assert.Empty(_dir.Files());
    }

    [Fact]
    public void No_command_or_an_unknown_one_exits_2()
    {
        CliResult none = Cli.Run(_dir.Path);
        CliResult unknown = Cli.Run(_dir.Path, "fly");

        Assert.Equal(2, none.ExitCode);
        Assertions.OneLineError(none);
        Assert.Equal(2, unknown.ExitCode);
        Assertions.OneLineError(unknown);
        Assert.Contains("fly", unknown.StdErr);
    }
}
