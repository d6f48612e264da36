using System.Text.Json;

namespace AddMlp.Gpu.Tests;

/// <summary>`addmlp lr-find`: the learning-rate range test as fastai and Lightning run it.</summary>
[Collection(TorchCollection.Name)] // one test runs the finder in this process
public sealed class LrFindTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void On_the_tutorial_it_suggests_a_rate_near_the_tutorials_own_and_plots_the_test()
    {
        CliResult found = Cli.Run(_dir.Path, "lr-find");
        CliResult json = Cli.Run(_dir.Path, "lr-find", "--json", "--plot", "again.svg");

        Assert.True(found.ExitCode == 0, found.ToString());
        Assert.Equal("suggested lr: 0.0955", found.StdOut.Trim()); // the tutorial trains with 0.1
        Assert.Contains("lr-find: 100 steps from 1e-07; plot in addmlp-lr-find.png", found.StdErr);
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], File.ReadAllBytes(_dir.File("addmlp-lr-find.png"))[..4]);
        using JsonDocument result = JsonDocument.Parse(json.StdOut);
        JsonElement root = result.RootElement;
        Assert.Equal(1e-7 * Math.Pow(1e8, 74 / 99.0), root.GetProperty("suggested_lr").GetDouble(), 12); // the 75th rate
        Assert.Equal(100, root.GetProperty("rates").GetArrayLength());
        Assert.Equal(1e-7, root.GetProperty("rates")[0].GetDouble());
        Assert.Equal(10, root.GetProperty("rates")[99].GetDouble(), 9);
        Assert.Contains("<svg", File.ReadAllText(_dir.File("again.svg")));
    }

    [Fact]
    public void It_stops_when_the_smoothed_loss_passes_four_times_its_best()
    {
        LrFindResult result = LearningRateFinder.Run(new TrainOptions { Device = DeviceRequest.Cpu, Architecture = new Architecture(2, [16, 16], Activation.Relu, 1), Optimizer = Optimizer.Sgd },
            new LrFindSettings(EndLr: 1e3));

        Assert.True(result.StoppedEarly);
        Assert.True(result.Rates.Length < 100);
        Assert.True(result.Smoothed[^1] > 4 * result.Smoothed[..^1].Min() || !double.IsFinite(result.Smoothed[^1]));
        Assert.InRange(result.SuggestedLr!.Value, result.Rates[LearningRateFinder.SkipBegin], result.Rates[^2]);
    }

    [Theory]
    [InlineData("lr-find --lr 0.1", "Unrecognized command or argument '--lr'")]
    [InlineData("lr-find --start-lr 1 --end-lr 0.5", "--end-lr (0.5) must be above --start-lr (1)")]
    [InlineData("lr-find --steps 5", "--steps must be at least 13, got 5")]
    [InlineData("lr-find --plot loss.jpg", "a plot is written as .png or .svg")]
    public void Bad_input_gets_one_line_and_exit_2(string commandLine, string message)
    {
        CliResult result = Cli.Run(_dir.Path, commandLine.Split(' '));

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(message, result.StdErr);
        Assert.Empty(_dir.Files());
    }
}
