using System.Diagnostics;
using System.Text.Json;

namespace AddMlp.Gpu.Tests;

/// <summary>Runs cut short by the user or by a diverging loss keep the user's data safe.</summary>
public sealed class InterruptAndDivergenceTests : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly BackgroundRuns _runs = new();

    public void Dispose()
    {
        _runs.Dispose();
        _dir.Dispose();
    }

    [Theory]
    [InlineData("INT")]
    [InlineData("TERM")]
    public void A_signal_during_training_saves_both_files_marked_interrupted_and_exits_130(string signal)
    {
        using Process train = StartTraining("--epochs", "100000000", "--log-every", "1000");
        Processes.WaitForStderrLine(train, "Epoch: 1 ");

        Processes.Signal(train, signal);

        Assert.True(train.WaitForExit(TimeSpan.FromSeconds(60)), "addmlp did not stop after the signal");
        Assert.Equal(130, train.ExitCode);
        using JsonDocument model = JsonDocument.Parse(File.ReadAllText(_dir.File("addmlp-model.json")));
        JsonElement training = model.RootElement.GetProperty("training");
        Assert.Equal("interrupted", training.GetProperty("status").GetString());
        int epochsRun = training.GetProperty("epochs_run").GetInt32();
        Assert.InRange(epochsRun, 1, 100_000_000 - 1);
        LossCurveDocument curve = LossCurveFile.Load(_dir.File("addmlp-loss.json"));
        Assert.Equal("interrupted", EnumNames<TrainStatus>.Of(curve.Status));
        Assert.Equal(epochsRun, curve.Loss.Length);
        Assert.Contains($"interrupted after epoch {epochsRun} of 100000000", train.StandardError.ReadToEnd());
    }

    [Fact]
    public void A_second_interrupt_exits_at_once_without_writing()
    {
        // Epochs of about a second (a wide network on many samples, with libtorch's own kernels: the portable
        // ones take minutes an epoch there). The second signal is sent only once addmlp has acknowledged the
        // first (two SIGINTs sent at once can merge into one), while the epoch after it is still running.
        using Process train = StartTraining("--epochs", "1000", "--samples", "200000", "--hidden", "256,256", "--kernels", "native", "--log-every", "1");
        Processes.WaitForStderrLine(train, "Epoch: 1 ");

        Processes.Signal(train, "INT");
        Processes.WaitForStderrLine(train, "addmlp: interrupt received");
        Processes.Signal(train, "INT");

        Assert.True(train.WaitForExit(TimeSpan.FromSeconds(60)));
        Assert.Equal(130, train.ExitCode);
        Assert.Empty(_dir.Files());
        Assert.Contains("exiting now without saving", train.StandardError.ReadToEnd());
    }

    [Fact]
    public void A_diverging_run_exits_1_keeps_the_previous_model_byte_identical_and_saves_the_curve()
    {
        Assert.Equal(0, Cli.Run(_dir.Path, "train", "--quiet", "--epochs", "50").ExitCode);
        byte[] before = File.ReadAllBytes(_dir.File("addmlp-model.json"));

        CliResult result = Cli.Run(_dir.Path, "train", "--lr", "1e20");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("addmlp: training diverged at epoch 2 (loss = inf); try a smaller --lr (the previous addmlp-model.json is kept", result.StdErr);
        Assert.DoesNotContain("   at ", result.StdErr);
        Assert.Equal(before, File.ReadAllBytes(_dir.File("addmlp-model.json")));
        LossCurveDocument curve = LossCurveFile.Load(_dir.File("addmlp-loss.json"));
        Assert.Equal("diverged", EnumNames<TrainStatus>.Of(curve.Status));
        Assert.Equal(2, curve.EpochsRun);
        Assert.True(double.IsFinite(curve.Loss[0]));
        Assert.False(double.IsFinite(curve.Loss[1]));
        Assert.Equal(["addmlp-loss.json", "addmlp-model.json"], _dir.Files());
    }

    private Process StartTraining(params string[] args)
    {
        return _runs.Start(Cli.Start(_dir.Path, ["train", .. args]));
    }


}
