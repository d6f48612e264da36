using System.Globalization;

namespace AddMlp.Gpu.Tests;

/// <summary>
/// The default run is the PyTorch tutorial, and gives its numbers: the same bits on every CPU, and
/// PyTorch's to within a stated tolerance. Pinned to the CPU: the portable kernels are the CPU's.
/// </summary>
[Collection(TorchCollection.Name)]
public sealed class TutorialTests
{
    private static readonly TrainResult Default = Trainer.Train(new TrainOptions { Device = DeviceRequest.Cpu });

    [Theory]
    // Measured with PyTorch 1.13 on the tutorial's script (design.md).
    [InlineData(1, "1.198e+00")]
    [InlineData(51, "1.381e-02")]
    [InlineData(101, "1.620e-05")]
    [InlineData(151, "2.287e-07")]
    public void Default_run_reproduces_PyTorch_loss_to_4_significant_digits(int epoch, string pytorchLoss)
    {
        double loss = Default.Losses[epoch - 1];
        Assert.Equal(pytorchLoss, loss.ToString("0.000e+00", CultureInfo.InvariantCulture));
    }

    /// <summary>
    /// Fixtures/pytorch-tutorial-loss-seed*.json are the per-epoch losses of scripts/pytorch/tutorial.py
    /// (the tutorial's script) with Debian's PyTorch 1.13.1:
    /// <c>/usr/bin/python3 scripts/pytorch/tutorial.py --seed 42 --epochs 150 --loss-json FILE</c>.
    /// addmlp's losses are within <see cref="PyTorchParity"/>'s tolerance of them.
    /// </summary>
    [Theory]
    [InlineData(42)]
    [InlineData(7)]
    public void Losses_are_within_the_stated_tolerance_of_PyTorch_for_150_epochs(int seed)
    {
        float[] pytorch = PyTorchParity.Losses($"pytorch-tutorial-loss-seed{seed}.json");
        TrainResult ours = seed == 42 ? Default : Trainer.Train(new TrainOptions { Device = DeviceRequest.Cpu, Seed = seed, Epochs = 150 });

        Assert.Equal(150, pytorch.Length);
        PyTorchParity.AssertClose(pytorch, ours.Losses, $"seed {seed}");
    }

    /// <summary>
    /// Fixtures/addmlp-tutorial-seed42.json is the default run's loss curve and weights as the portable
    /// kernels computed them when it was written (scripts/addmlp train, 2026-12-05): the same bits on every
    /// processor, so every machine must reproduce them, at any thread count.
    /// </summary>
    [Fact]
    public void Default_run_reproduces_the_committed_result_bit_for_bit()
    {
        using var fixture = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Repo.File("tests", "AddMlp.Gpu.Tests", "Fixtures", "addmlp-tutorial-seed42.json")));
        float[] Floats(System.Text.Json.JsonElement values) => [.. values.EnumerateArray().Select(v => (float)v.GetDouble())];
        float[] loss = Floats(fixture.RootElement.GetProperty("loss"));
        System.Text.Json.JsonElement stateDict = fixture.RootElement.GetProperty("state_dict");

        Assert.Equal(Bits(loss), Bits([.. Default.Losses.Select(v => (float)v)]));
        Assert.Equal(Bits(Floats(stateDict.GetProperty("0.weight"))), Bits([.. Default.StateDict["0.weight"].Values.Select(v => (float)v)]));
        Assert.Equal(Bits(Floats(stateDict.GetProperty("0.bias"))), Bits([.. Default.StateDict["0.bias"].Values.Select(v => (float)v)]));
        Assert.Equal(Kernels.Portable, Default.Options.Kernels);
    }

    private static uint[] Bits(float[] values) => [.. values.Select(BitConverter.SingleToUInt32Bits)];

    [Fact]
    public void Default_run_learns_weights_1_1_and_bias_0()
    {
        double[] weight = Default.StateDict["0.weight"].Values;
        double bias = Default.StateDict["0.bias"].Values.Single();
        Assert.Equal(2, weight.Length);
        Assert.InRange(weight[0], 1 - 1e-4, 1 + 1e-4);
        Assert.InRange(weight[1], 1 - 1e-4, 1 + 1e-4);
        Assert.InRange(Math.Abs(bias), 0, 1e-4);
    }

    [Fact]
    public void Default_run_records_one_loss_per_epoch_and_completes()
    {
        Assert.Equal(500, Default.Losses.Length);
        Assert.Equal(500, Default.EpochsRun);
        Assert.Equal(TrainStatus.Completed, Default.Status);
        Assert.Equal(Default.Losses[^1], Default.FinalLoss);
        Assert.True(Default.FinalLoss < 1e-12, $"final loss {Default.FinalLoss}");
    }

    [Fact]
    public void Progress_reports_every_log_every_epochs_with_the_logged_loss()
    {
        var reports = new List<EpochLoss>();
        TrainResult result = Trainer.Train(new TrainOptions { Epochs = 120 }, new SyncProgress(reports.Add), reportEvery: 50);
        Assert.Equal([1, 51, 101], reports.Select(r => r.Epoch));
        Assert.All(reports, r => Assert.Equal(result.Losses[r.Epoch - 1], r.Loss));
    }

    [Fact]
    public void Different_seeds_give_different_starting_losses()
    {
        TrainResult other = Trainer.Train(new TrainOptions { Seed = 7, Epochs = 1 });
        Assert.NotEqual(Default.Losses[0], other.Losses[0]);
    }
}
