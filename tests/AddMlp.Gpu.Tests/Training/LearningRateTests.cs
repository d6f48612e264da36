namespace AddMlp.Gpu.Tests;

/// <summary>Learning-rate schedules: PyTorch's rates to the bit, and runs with them resume exactly.</summary>
[Collection(TorchCollection.Name)]
public sealed class LearningRateTests
{
    /// <summary>optimizer.param_groups[0]["lr"] before each of 10 epochs, torch.optim.lr_scheduler stepped per epoch, base lr 0.1 (PyTorch 1.13.1).</summary>
    public static TheoryData<LrSchedule, int?, double, double, double[]> PyTorchRates() => new()
    {
        { LrSchedule.Cosine, null, 0.1, 0, [0.1, 0.09755282581475769, 0.09045084971874738, 0.07938926261462367, 0.06545084971874739, 0.05000000000000001, 0.03454915028125264, 0.020610737385376353, 0.009549150281252635, 0.002447174185242324] },
        { LrSchedule.Cosine, null, 0.1, 0.001, [0.1, 0.09757729755661011, 0.0905463412215599, 0.07959536998847742, 0.0657963412215599, 0.0505, 0.03520365877844011, 0.02140463001152259, 0.010453658778440109, 0.0034227024433899004] },
        { LrSchedule.Step, 3, 0.5, 0, [0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.025, 0.025, 0.025, 0.0125] },
        { LrSchedule.Constant, null, 0.1, 0, [0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1] },
    };

    [Theory]
    [MemberData(nameof(PyTorchRates))]
    public void Schedules_give_PyTorchs_rates_bit_for_bit(LrSchedule schedule, int? stepSize, double gamma, double min, double[] expected)
    {
        var options = new TrainOptions { Epochs = 10, LrSchedule = schedule, LrStepSize = stepSize, LrGamma = gamma, LrMin = min };

        Assert.Equal(expected.Select(BitConverter.DoubleToInt64Bits), LearningRates.For(options).Select(BitConverter.DoubleToInt64Bits));
    }

    [Theory]
    [InlineData(LrSchedule.Cosine, null)]
    [InlineData(LrSchedule.Step, 7)]
    public void A_scheduled_run_records_its_rates_and_resumes_exactly(LrSchedule schedule, int? stepSize)
    {
        var options = new TrainOptions { Epochs = 40, BatchSize = 64, LrSchedule = schedule, LrStepSize = stepSize, LrGamma = 0.5 };
        TrainResult whole = Trainer.Train(options);
        // Stopped after 15 epochs: a cosine run by a checkpoint (its period is its epochs), a step run by fewer epochs.
        ResumePoint point = schedule == LrSchedule.Cosine ? CheckpointAt(options, 15) : ResumePoint.From(Trainer.Train(options with { Epochs = 15 }));

        TrainResult resumed = Trainer.Train(options, new TrainControl { ResumeFrom = point });

        Assert.Equal(LearningRates.For(options), whole.LearningRates);
        Assert.Equal(whole.LearningRates, resumed.LearningRates);
        Assert.Equal(whole.Losses, resumed.Losses);
        foreach (var (name, tensor) in whole.StateDict)
            Assert.Equal(tensor.Values, resumed.StateDict[name].Values);
        Assert.Null(Trainer.Train(options with { LrSchedule = LrSchedule.Constant, Epochs = 3 }).LearningRates);
    }

    [Fact]
    public void The_cosine_schedule_keeps_its_period_on_resume()
    {
        var options = new TrainOptions { Epochs = 20, LrSchedule = LrSchedule.Cosine };
        ResumePoint point = CheckpointAt(options, 10);

        Assert.Throws<ArgumentException>(() => Trainer.Train(options with { Epochs = 30 }, new TrainControl { ResumeFrom = point }));
    }

    /// <summary>The run as its checkpoint after <paramref name="epochs"/> epochs holds it (a cosine run stopped early keeps its period).</summary>
    private static ResumePoint CheckpointAt(TrainOptions options, int epochs)
    {
        ResumePoint? point = null;
        Trainer.Train(options, new TrainControl { CheckpointEvery = epochs, OnCheckpoint = c => point ??= ResumePoint.From(c) });
        return point!;
    }
}
