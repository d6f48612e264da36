using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AddMlp.Gpu.Tests;

/// <summary>
/// addmlp's optimizers update all parameters as one flat buffer, with torch.optim's formulas; they must
/// give what torch.optim's (here TorchSharp's) per-parameter implementations give: the same bits for
/// SGD; for Adam and AdamW the same up to libtorch 2.10's float32 square root, which is 1 ulp off for
/// some inputs and which StepOptimizer replaces by a correctly rounded one (as PyTorch 1.13 computes
/// it: TutorialTests checks the bits against PyTorch's).
/// </summary>
[Collection(TorchCollection.Name)]
public sealed class OptimizerTests
{
    [Theory]
    [InlineData("adam", 0.0, 0.0)]
    [InlineData("adam", 0.0, 0.05)]
    [InlineData("adamw", 0.0, 0.01)]
    [InlineData("sgd", 0.0, 0.0)]
    [InlineData("sgd", 0.9, 0.0)]
    [InlineData("sgd", 0.9, 0.05)]
    public void Flat_optimizer_matches_torch_optim(string kind, double momentum, double weightDecay)
    {
        var options = new TrainOptions { Optimizer = Parse<Optimizer>(kind), LearningRate = 0.05, Momentum = momentum, WeightDecay = weightDecay, Architecture = new Architecture(2, [4], Activation.Tanh, 1) };
        manual_seed(3);
        var (x, y) = AdditionData.Create(64, InputRange.Unit);

        manual_seed(5);
        using Sequential reference = AdderNet.Create(options.Architecture);
        using optim.Optimizer torchOptimizer = kind switch
        {
            "adam" => new Adam(reference.parameters(), 0.05, 0.9, 0.999, 1e-8, weightDecay),
            "adamw" => new AdamW(reference.parameters(), 0.05, 0.9, 0.999, 1e-8, weightDecay),
            _ => new SGD(reference.parameters(), 0.05, momentum, 0, weightDecay),
        };
        manual_seed(5);
        using Sequential flat = AdderNet.Create(options.Architecture);
        using FlatParameters parameters = FlatParameters.Bind(flat);
        using var optimizer = new StepOptimizer(parameters, options);

        for (int step = 0; step < 25; step++)
        {
            using var scope = NewDisposeScope();
            torchOptimizer.zero_grad();
            nn.functional.mse_loss(reference.forward(x), y).backward();
            torchOptimizer.step();
            Trainer.Step(flat, parameters, optimizer, x, y);
        }

        Dictionary<string, TensorData> expected = AdderNet.StateDict(reference), actual = AdderNet.StateDict(flat);
        Assert.Equal(expected.Keys, actual.Keys);
        foreach (string name in expected.Keys)
        {
            if (kind == "sgd")
                Assert.Equal(expected[name].Values, actual[name].Values);
            else
                Assert.All(expected[name].Values.Zip(actual[name].Values), p => Assert.Equal(p.First, p.Second, 1e-5 * Math.Max(1, Math.Abs(p.First))));
        }
        Assert.NotEqual(AdderNet.StateDict(AdderNet.Create(options.Architecture))["0.weight"].Values, actual["0.weight"].Values);
    }

    /// <summary>Clipping takes torch.nn.utils.clip_grad_norm_'s formulas in its order: the same bits as TorchSharp's (libtorch's) own.</summary>
    [Theory]
    [InlineData("sgd", 0.9, 0.05)]
    [InlineData("sgd", 0.0, 0.2)]
    [InlineData("sgd", 0.9, 1000.0)] // never reached: nothing changes
    public void Gradient_clipping_matches_torch_clip_grad_norm(string kind, double momentum, double maxNorm)
    {
        var options = new TrainOptions { Optimizer = Parse<Optimizer>(kind), LearningRate = 0.05, Momentum = momentum, ClipGradNorm = maxNorm, Architecture = new Architecture(2, [4], Activation.Tanh, 1) };
        manual_seed(3);
        var (x, y) = AdditionData.Create(64, new InputRange(-10, 10));

        manual_seed(5);
        using Sequential reference = AdderNet.Create(options.Architecture);
        using optim.Optimizer torchOptimizer = new SGD(reference.parameters(), 0.05, momentum);
        manual_seed(5);
        using Sequential flat = AdderNet.Create(options.Architecture);
        using FlatParameters parameters = FlatParameters.Bind(flat);
        using var optimizer = new StepOptimizer(parameters, options);

        var clipped = new List<bool>();
        for (int step = 0; step < 25; step++)
        {
            using var scope = NewDisposeScope();
            torchOptimizer.zero_grad();
            nn.functional.mse_loss(reference.forward(x), y).backward();
            clipped.Add(nn.utils.clip_grad_norm_(reference.parameters(), maxNorm) > maxNorm);
            torchOptimizer.step();
            Trainer.Step(flat, parameters, optimizer, x, y);
        }

        Dictionary<string, TensorData> expected = AdderNet.StateDict(reference), actual = AdderNet.StateDict(flat);
        foreach (string name in expected.Keys)
            Assert.Equal(expected[name].Values, actual[name].Values);
        Assert.Equal(maxNorm < 1000, clipped.Any(c => c)); // the small limits did clip
    }

    /// <summary>
    /// The one-cycle schedule's momentum, set before each step as OneCycleLR sets param_groups' betas[0]
    /// (Adam) or momentum (SGD, whose buffer appears at the first step with a momentum): the same
    /// parameters as TorchSharp's optimizers given the same rates and momenta.
    /// </summary>
    [Theory]
    [InlineData("adam")]
    [InlineData("sgd")]
    public void A_schedules_momentum_drives_the_optimizer_as_torch_optim_does(string kind)
    {
        var options = new TrainOptions { Optimizer = Parse<Optimizer>(kind), Epochs = 25, LrSchedule = LrSchedule.Onecycle, Architecture = new Architecture(2, [4], Activation.Tanh, 1) };
        manual_seed(3);
        var (x, y) = AdditionData.Create(64, InputRange.Unit);

        manual_seed(5);
        using Sequential reference = AdderNet.Create(options.Architecture);
        using optim.Optimizer torchOptimizer = kind == "adam" ? new Adam(reference.parameters(), 0.1) : new SGD(reference.parameters(), 0.1, momentum: 0);
        foreach (EpochRate rate in LearningRates.Schedule(options))
        {
            using var scope = NewDisposeScope();
            var group = torchOptimizer.ParamGroups.Single();
            group.LearningRate = rate.Lr;
            if (group is optim.IBetas betas)
                betas.Betas = (rate.Momentum!.Value, 0.999);
            else
                ((optim.IMomentum)group).Momentum = rate.Momentum!.Value;
            torchOptimizer.zero_grad();
            nn.functional.mse_loss(reference.forward(x), y).backward();
            torchOptimizer.step();
        }

        // addmlp's optimizer on the same start, given each epoch's rate as the trainer gives it (or without its momentum).
        Dictionary<string, TensorData> Flat(Func<EpochRate, EpochRate> given)
        {
            manual_seed(5);
            using Sequential flat = AdderNet.Create(options.Architecture);
            using FlatParameters parameters = FlatParameters.Bind(flat);
            using var optimizer = new StepOptimizer(parameters, options);
            foreach (EpochRate rate in LearningRates.Schedule(options))
            {
                using var scope = NewDisposeScope();
                optimizer.SetRate(given(rate));
                Trainer.Step(flat, parameters, optimizer, x, y);
            }
            return AdderNet.StateDict(flat);
        }
        Dictionary<string, TensorData> expected = AdderNet.StateDict(reference), actual = Flat(rate => rate);

        foreach (string name in expected.Keys)
        {
            if (kind == "sgd")
                Assert.Equal(expected[name].Values, actual[name].Values);
            else
                Assert.All(expected[name].Values.Zip(actual[name].Values), p => Assert.Equal(p.First, p.Second, 1e-5 * Math.Max(1, Math.Abs(p.First))));
        }
        // Without the momentum (a constant beta1 of 0.9, or SGD without momentum) the weights come out otherwise.
        Assert.NotEqual(Flat(rate => rate with { Momentum = null })["0.weight"].Values, actual["0.weight"].Values);
    }
}
