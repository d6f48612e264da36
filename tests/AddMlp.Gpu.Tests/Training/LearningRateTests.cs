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

    /// <summary>
    /// OneCycleLR(max_lr=0.1, total_steps=epochs, ...) stepped per epoch (PyTorch 1.13.1): param_groups[0]'s
    /// lr and its momentum (Adam's betas[0], SGD's momentum) before each epoch.
    /// </summary>
    public static TheoryData<int, double, double, double, double, double, double[], double[]> PyTorchOneCycle() => new()
    {
        {
            10, 0.3, 25, 1e4, 0.85, 0.95,
            [0.0040000000000000036, 0.052000000000000005, 0.1, 0.09504846320134738, 0.0811745653949763, 0.06112620219362893, 0.03887419780637107, 0.0188258346050237, 0.004951936798652629, 4e-07],
            [0.95, 0.8999999999999999, 0.85, 0.854951556604879, 0.8688255099070633, 0.8888739533021842, 0.9111260466978157, 0.9311744900929366, 0.945048443395121, 0.95]
        },
        {
            10, 0.25, 10, 100, 0.8, 0.9,
            [0.009999999999999995, 0.07749999999999999, 0.0989084726566536, 0.09046039886902862, 0.07502500000000001, 0.0552711967402193, 0.03461460113097138, 0.01662692621237505, 0.004418404390752082, 0.0001],
            [0.9, 0.8250000000000001, 0.8010926199633097, 0.8095491502812526, 0.8250000000000001, 0.8447735768366174, 0.8654508497187474, 0.8834565303179429, 0.8956772728821301, 0.9]
        },
        { 3, 0.1, 25, 1e4, 0.85, 0.95, [0.08431214464510911, 0.03019629091399539, 4e-07], [0.8656879181065633, 0.9198039883019578, 0.95] }, // a warm-up shorter than an epoch
    };

    [Theory]
    [MemberData(nameof(PyTorchOneCycle))]
    public void One_cycle_gives_PyTorchs_rates_and_momenta_bit_for_bit(int epochs, double pctStart, double divFactor, double finalDivFactor, double baseMomentum, double maxMomentum, double[] rates, double[] momenta)
    {
        var options = new TrainOptions
        {
            Epochs = epochs, LrSchedule = LrSchedule.Onecycle, LrPctStart = pctStart, LrDivFactor = divFactor,
            LrFinalDivFactor = finalDivFactor, LrBaseMomentum = baseMomentum, LrMaxMomentum = maxMomentum,
        };

        EpochRate[] schedule = [.. LearningRates.Schedule(options)];

        Assert.Equal(rates.Select(BitConverter.DoubleToInt64Bits), schedule.Select(e => BitConverter.DoubleToInt64Bits(e.Lr)));
        Assert.Equal(momenta.Select(BitConverter.DoubleToInt64Bits), schedule.Select(e => BitConverter.DoubleToInt64Bits(e.Momentum!.Value)));
    }

    /// <summary>
    /// Fixtures/pytorch-onecycle-loss-seed42.json: the tutorial under OneCycleLR(max_lr=0.1, total_steps=150),
    /// stepped per epoch, with Debian's PyTorch 1.13.1 (<c>scripts/pytorch/tutorial.py --schedule onecycle
    /// --epochs 150 --loss-json FILE</c>). addmlp's losses are within <see cref="PyTorchParity"/>'s tolerance
    /// of them; they are not with a fixed beta1 of 0.9 (the rates alone), so the tolerance is tight enough
    /// to see the cycled momentum.
    /// </summary>
    [Fact]
    public void A_one_cycle_run_gives_PyTorchs_losses_within_the_stated_tolerance()
    {
        float[] pytorch = PyTorchParity.Losses("pytorch-onecycle-loss-seed42.json");
        var options = new TrainOptions { Device = DeviceRequest.Cpu, Epochs = 150, LrSchedule = LrSchedule.Onecycle };

        TrainResult ours = Trainer.Train(options);
        TrainResult fixedMomentum = Trainer.Train(options with { LrBaseMomentum = 0.9, LrMaxMomentum = 0.9 });

        Assert.Equal(150, pytorch.Length);
        PyTorchParity.AssertClose(pytorch, ours.Losses, "one-cycle");
        Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => PyTorchParity.AssertClose(pytorch, fixedMomentum.Losses, "one-cycle, beta1 fixed at 0.9"));
    }

    [Fact]
    public void One_cycle_refuses_a_warm_up_of_exactly_one_epoch()
    {
        var options = new TrainOptions { Epochs = 10, LrSchedule = LrSchedule.Onecycle, LrPctStart = 0.1 };

        Assert.Equal(nameof(TrainOptions.LrPctStart), Assert.Single(options.Problems()).Option);
        Assert.Empty((options with { Epochs = 11 }).Problems());
        var refused = Assert.Throws<InvalidTrainOptionsException>(() => Trainer.Train(options));
        Assert.Contains("1 epoch has no length to anneal over", refused.Message);
    }

    [Theory]
    [InlineData(LrSchedule.Cosine, null, Optimizer.Adam)]
    [InlineData(LrSchedule.Step, 7, Optimizer.Adam)]
    [InlineData(LrSchedule.Onecycle, null, Optimizer.Adam)]
    [InlineData(LrSchedule.Onecycle, null, Optimizer.Sgd)]
    public void A_scheduled_run_records_its_rates_and_resumes_exactly(LrSchedule schedule, int? stepSize, Optimizer optimizer)
    {
        var options = new TrainOptions { Epochs = 40, BatchSize = 64, LrSchedule = schedule, LrStepSize = stepSize, LrGamma = 0.5, Optimizer = optimizer };
        TrainResult whole = Trainer.Train(options);
        // Stopped after 15 epochs: a cosine or one-cycle run by a checkpoint (its period is its epochs), a step run by fewer epochs.
        ResumePoint point = schedule == LrSchedule.Step ? ResumePoint.From(Trainer.Train(options with { Epochs = 15 })) : CheckpointAt(options, 15);

        TrainResult resumed = Trainer.Train(options, new TrainControl { ResumeFrom = point });

        Assert.Equal(LearningRates.For(options), whole.LearningRates);
        Assert.Equal(whole.LearningRates, resumed.LearningRates);
        Assert.Equal(whole.Losses, resumed.Losses);
        foreach (var (name, tensor) in whole.StateDict)
            Assert.Equal(tensor.Values, resumed.StateDict[name].Values);
        Assert.Null(Trainer.Train(options with { LrSchedule = LrSchedule.Constant, Epochs = 3 }).LearningRates);
    }

    [Theory]
    [InlineData(LrSchedule.Cosine)]
    [InlineData(LrSchedule.Onecycle)]
    public void A_schedule_whose_period_is_the_run_keeps_its_epochs_on_resume(LrSchedule schedule)
    {
        var options = new TrainOptions { Epochs = 20, LrSchedule = schedule };
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
