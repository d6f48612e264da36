using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AddMlp.Gpu.Tests;

/// <summary>
/// addmlp's optimizers update all parameters as one flat buffer, with torch.optim's formulas: on the CPU
/// a loop on the host (HostOptimizer), on a GPU tensor ops (DeviceOptimizer, run here on CPU tensors).
/// Given libtorch's own gradients (native kernels), both must land where torch.optim's per-parameter
/// implementations (here TorchSharp's) land. Within a tolerance, not to the bit: libtorch's CPU kernels
/// round differently on processors with and without fused multiply-adds, and its float32 square root is
/// not correctly rounded; addmlp's host loop is the same on every processor.
/// </summary>
[Collection(TorchCollection.Name)]
public sealed class OptimizerTests
{
    /// <summary>Relative distance allowed after 25 steps: a few float32 roundings, compounded.</summary>
    private const double Tolerance = 1e-5;

    [Theory]
    [InlineData("adam", 0.0, 0.0)]
    [InlineData("adam", 0.0, 0.05)]
    [InlineData("adamw", 0.0, 0.01)]
    [InlineData("sgd", 0.0, 0.0)]
    [InlineData("sgd", 0.9, 0.0)]
    [InlineData("sgd", 0.9, 0.05)]
    public void Both_optimizers_match_torch_optim(string kind, double momentum, double weightDecay)
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
        for (int step = 0; step < 25; step++)
        {
            using var scope = NewDisposeScope();
            torchOptimizer.zero_grad();
            nn.functional.mse_loss(reference.forward(x), y).backward();
            torchOptimizer.step();
        }

        Dictionary<string, TensorData> expected = AdderNet.StateDict(reference);
        foreach (bool onDevice in new[] { false, true })
        {
            Dictionary<string, TensorData> actual = Train(options, x, y, onDevice, Enumerable.Repeat<EpochRate?>(null, 25));
            AssertClose(expected, actual);
            Assert.NotEqual(AdderNet.StateDict(AdderNet.Create(options.Architecture))["0.weight"].Values, actual["0.weight"].Values);
        }
    }

    /// <summary>Clipping takes torch.nn.utils.clip_grad_norm_'s formulas in its order, and lands where libtorch's own does.</summary>
    [Theory]
    [InlineData("sgd", 0.9, 0.05)]
    [InlineData("sgd", 0.0, 0.2)]
    [InlineData("adam", 0.0, 0.2)]
    [InlineData("sgd", 0.9, 1000.0)] // never reached: nothing changes
    public void Gradient_clipping_matches_torch_clip_grad_norm(string kind, double momentum, double maxNorm)
    {
        var options = new TrainOptions { Optimizer = Parse<Optimizer>(kind), LearningRate = 0.01, Momentum = momentum, ClipGradNorm = maxNorm, Architecture = new Architecture(2, [4], Activation.Tanh, 1) };
        manual_seed(3);
        var (x, y) = AdditionData.Create(64, new InputRange(-10, 10));

        manual_seed(5);
        using Sequential reference = AdderNet.Create(options.Architecture);
        using optim.Optimizer torchOptimizer = kind == "adam" ? new Adam(reference.parameters(), 0.01) : new SGD(reference.parameters(), 0.01, momentum);
        var clipped = new List<bool>();
        for (int step = 0; step < 25; step++)
        {
            using var scope = NewDisposeScope();
            torchOptimizer.zero_grad();
            nn.functional.mse_loss(reference.forward(x), y).backward();
            clipped.Add(nn.utils.clip_grad_norm_(reference.parameters(), maxNorm) > maxNorm);
            torchOptimizer.step();
        }

        foreach (bool onDevice in new[] { false, true })
            AssertClose(AdderNet.StateDict(reference), Train(options, x, y, onDevice, Enumerable.Repeat<EpochRate?>(null, 25)));
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

        EpochRate?[] rates = [.. LearningRates.Schedule(options).Select(r => (EpochRate?)r)];
        foreach (bool onDevice in new[] { false, true })
        {
            Dictionary<string, TensorData> actual = Train(options, x, y, onDevice, rates);
            AssertClose(AdderNet.StateDict(reference), actual);
            // Without the momentum (a constant beta1 of 0.9, or SGD without momentum) the weights come out otherwise.
            Assert.NotEqual(Train(options, x, y, onDevice, rates.Select(r => (EpochRate?)(r!.Value with { Momentum = null })))["0.weight"].Values, actual["0.weight"].Values);
        }
    }

    /// <summary>From the same state, one step of the device optimizer (tensor ops) and of the host one land within a float32 ulp or two.</summary>
    [Theory]
    [InlineData("adam")]
    [InlineData("adamw")]
    [InlineData("sgd")]
    public void One_step_of_the_device_optimizer_is_the_host_optimizers_to_an_ulp(string kind)
    {
        var options = new TrainOptions { Optimizer = Parse<Optimizer>(kind), LearningRate = 0.05, Momentum = kind == "sgd" ? 0.9 : 0, Architecture = new Architecture(2, [16], Activation.Relu, 1) };
        manual_seed(3);
        var (x, y) = AdditionData.Create(256, new InputRange(-3, 3));
        manual_seed(5);
        using Sequential model = AdderNet.Create(options.Architecture);
        using FlatParameters parameters = FlatParameters.Bind(model);
        using var host = new HostOptimizer<float>(parameters, options);
        using var device = new DeviceOptimizer(parameters, options);
        using var step = new TrainingStep(model, parameters, options, Kernels.Portable);
        for (int i = 0; i < 10; i++)
        {
            using var scope = NewDisposeScope();
            Tensor start = parameters.Values.clone();
            step.Run(x, y); // the gradient at `start` (and a step that moves on from it)
            parameters.Values.copy_(start);
            host.Step();
            float[] byHost = parameters.Values.data<float>().ToArray();
            parameters.Values.copy_(start);
            device.Step();
            float[] byDevice = parameters.Values.data<float>().ToArray();
            for (int p = 0; p < byHost.Length; p++)
                Assert.True(Ulps(byHost[p], byDevice[p]) <= 2, $"step {i}, parameter {p}: host {byHost[p]:R}, device {byDevice[p]:R}");
        }
    }

    /// <summary>The parameters after a step per rate (null: no schedule), with libtorch's gradients and the host or the device optimizer.</summary>
    private static Dictionary<string, TensorData> Train(TrainOptions options, Tensor x, Tensor y, bool onDevice, IEnumerable<EpochRate?> rates)
    {
        manual_seed(5);
        using Sequential model = AdderNet.Create(options.Architecture);
        using FlatParameters parameters = FlatParameters.Bind(model);
        using IStepOptimizer optimizer = onDevice ? new DeviceOptimizer(parameters, options) : new HostOptimizer<float>(parameters, options);
        foreach (EpochRate? rate in rates)
        {
            using var scope = NewDisposeScope();
            if (rate is EpochRate given)
                optimizer.SetRate(given);
            parameters.ZeroGrad();
            nn.functional.mse_loss(model.forward(x), y).backward();
            optimizer.Step();
        }
        return AdderNet.StateDict(model);
    }

    private static void AssertClose(Dictionary<string, TensorData> expected, Dictionary<string, TensorData> actual)
    {
        Assert.Equal(expected.Keys, actual.Keys);
        foreach (string name in expected.Keys)
            Assert.All(expected[name].Values.Zip(actual[name].Values), p => Assert.Equal(p.First, p.Second, Tolerance * Math.Max(1, Math.Abs(p.First))));
    }

    private static long Ulps(float a, float b) => Math.Abs((long)BitConverter.SingleToInt32Bits(a) - BitConverter.SingleToInt32Bits(b));
}
