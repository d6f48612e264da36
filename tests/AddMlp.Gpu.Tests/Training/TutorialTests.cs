using System.Globalization;

namespace AddMlp.Gpu.Tests;

/// <summary>
/// The default run is the PyTorch tutorial, and gives its numbers. Pinned to the CPU: PyTorch's numbers
/// are the CPU's, and on a GPU (auto's choice there) the float32 losses differ in their last bits.
/// </summary>
[Collection(TorchCollection.Name)]
public sealed class TutorialTests
{
    private static readonly TrainResult Default = Trainer.Train(new TrainOptions { Device = "cpu" });

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
    /// addmlp computes the same float32 numbers, not merely close ones.
    /// </summary>
    [Theory]
    [InlineData(42)]
    [InlineData(7)]
    public void Losses_are_bit_identical_to_PyTorch_for_150_epochs(int seed)
    {
        string fixture = Repo.File("tests", "AddMlp.Gpu.Tests", "Fixtures", $"pytorch-tutorial-loss-seed{seed}.json");
        float[] pytorch = [.. System.Text.Json.JsonSerializer.Deserialize<double[]>(File.ReadAllText(fixture))!.Select(v => (float)v)];
        TrainResult ours = seed == 42 ? Default : Trainer.Train(new TrainOptions { Device = "cpu", Seed = seed, Epochs = 150 });

        Assert.Equal(150, pytorch.Length);
        for (int epoch = 0; epoch < pytorch.Length; epoch++)
            Assert.True(BitConverter.SingleToUInt32Bits((float)ours.Losses[epoch]) == BitConverter.SingleToUInt32Bits(pytorch[epoch]),
                $"seed {seed}, epoch {epoch + 1}: addmlp {(float)ours.Losses[epoch]:R}, PyTorch {pytorch[epoch]:R}");
    }

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
