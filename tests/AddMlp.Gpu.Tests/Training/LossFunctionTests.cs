using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AddMlp.Gpu.Tests;

/// <summary>
/// <see cref="TrainOptions.Loss"/>: PyTorch's MSELoss, L1Loss, SmoothL1Loss and HuberLoss, the robust losses the
/// tutorial's "noisy labels" step calls for, computed alike by both kernels and as PyTorch 1.13 computes them.
/// </summary>
[Collection(TorchCollection.Name)]
public sealed class LossFunctionTests
{
    /// <summary>
    /// Fixtures/pytorch-LOSS-noise-seed42.json: the tutorial with --noise 0.1 for 150 epochs under each loss
    /// (delta 0.05, so that the robust losses' both branches are taken) with Debian's PyTorch 1.13.1, written
    /// by <c>scripts/check-loss-parity --fixtures DIR</c>.
    /// </summary>
    [Theory]
    [InlineData("mse")]
    [InlineData("l1")]
    [InlineData("smooth_l1")]
    [InlineData("huber")]
    public void Each_loss_gives_PyTorchs_losses_within_the_stated_tolerance(string loss)
    {
        float[] pytorch = PyTorchParity.Losses($"pytorch-{loss.Replace('_', '-')}-noise-seed42.json");
        TrainResult ours = Trainer.Train(Noisy(Parse<LossFunction>(loss)));

        Assert.Equal(150, pytorch.Length);
        PyTorchParity.AssertClose(pytorch, ours.Losses, loss);
    }

    [Fact]
    public void The_loss_option_changes_what_is_minimised()
    {
        float[] l1 = PyTorchParity.Losses("pytorch-l1-noise-seed42.json");
        TrainResult mse = Trainer.Train(Noisy(LossFunction.Mse));

        Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => PyTorchParity.AssertClose(l1, mse.Losses, "mse against PyTorch's L1Loss"));
    }

    [Theory]
    [InlineData("mse", "float32")]
    [InlineData("l1", "float32")]
    [InlineData("smooth_l1", "float32")]
    [InlineData("huber", "float32")]
    [InlineData("huber", "float64")]
    [InlineData("smooth_l1", "float64")]
    public void Portable_kernels_give_libtorchs_loss_and_gradient_to_float_rounding(string loss, string dtype) =>
        PortableKernelTests.AssertAutogradsLossAndGradient(new Architecture(2, [8], Activation.Tanh, 1), Parse<DType>(dtype), 300,
            noise: 0.5, new Criterion(Parse<LossFunction>(loss), 0.3), loss); // noise 0.5: errors on both sides of delta

    [Fact]
    public void A_runs_loss_is_in_its_model_file_and_its_resumed_run_keeps_it()
    {
        TrainOptions options = Noisy(LossFunction.Huber) with { Epochs = 40 };
        TrainResult whole = Trainer.Train(options);
        TrainResult part = Trainer.Train(options with { Epochs = 20 });

        ModelDocument saved = ModelDocument.From(part);
        TrainResult resumed = Trainer.Train(options, new TrainControl { ResumeFrom = ResumePoint.From(saved, "in memory") });

        Assert.Equal((LossFunction.Huber, 0.05), (saved.Training!.Options.Loss, saved.Training.Options.HuberDelta));
        Assert.Equal(whole.Losses, resumed.Losses);
        Assert.Throws<ArgumentException>(() => Trainer.Train(options with { Loss = LossFunction.L1 }, new TrainControl { ResumeFrom = ResumePoint.From(saved, "in memory") }));
    }

    [Fact]
    public void Huber_delta_must_be_positive_and_means_something_only_to_huber_and_smooth_l1()
    {
        OptionProblem zero = Assert.Single(new TrainOptions { Loss = LossFunction.Huber, HuberDelta = 0 }.Problems());
        Assert.Equal((nameof(TrainOptions.HuberDelta), Bounds.Positive), (zero.Option, zero.Bounds));

        Assert.Contains(new TrainOptions { HuberDelta = 2 }.Unused(), p => p.Option == nameof(TrainOptions.HuberDelta));
        Assert.DoesNotContain(new TrainOptions { Loss = LossFunction.SmoothL1, HuberDelta = 2 }.Unused(), p => p.Option == nameof(TrainOptions.HuberDelta));
        var refused = Assert.Throws<InvalidTrainOptionsException>(() => Trainer.Train(new TrainOptions { Loss = LossFunction.Huber, HuberDelta = -1 }));
        Assert.Equal(nameof(TrainOptions.HuberDelta), Assert.Single(refused.Problems).Option);
    }

    private static TrainOptions Noisy(LossFunction loss) =>
        new() { Device = DeviceRequest.Cpu, Epochs = 150, Noise = 0.1, Loss = loss, HuberDelta = 0.05 };
}
