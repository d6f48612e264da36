using System.Numerics;
using TorchSharp;
using static TorchSharp.torch;

namespace AddMlp.Gpu.Tests;

/// <summary>
/// The tutorial's step on the host (<see cref="PortableLinear{T}"/>) gives the tensor kernels' bits: loss and
/// gradient, at sample counts with no halving, even and odd halvings, and in both dtypes.
/// </summary>
[Collection(TorchCollection.Name)]
public sealed class PortableLinearTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(1024)]
    [InlineData(1025)]
    [InlineData(2049)]
    [InlineData(4099)]
    [InlineData(100_001)]
    [InlineData(1_000_000)]
    public void Loss_and_gradient_are_the_tensor_kernels_to_the_bit(int n)
    {
        Same<float>(n, ScalarType.Float32);
        Same<double>(n, ScalarType.Float64);
    }

    private static void Same<T>(int n, ScalarType dtype)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        NativeRuntime.EnsureLoaded();
        using var scope = NewDisposeScope();
        manual_seed(n);
        Tensor x = rand(2, n, dtype: dtype).mul(3).sub(1), y = rand(1, n, dtype: dtype).mul(4);
        Tensor weight = tensor(new[] { 0.7, 1.3 }, [1, 2]).to(dtype), bias = tensor(new[] { -0.02 }, [1]).to(dtype);
        using var network = new PortableNetwork(Architecture.Linear, [(weight.alias(), bias.alias())]);
        Tensor gradient = zeros(3, dtype: dtype);
        double expectedLoss = network.LossAndGradient(x, y, gradient).ToDouble();
        double expectedValidation = network.Loss(x, y).ToDouble();
        T[] expectedGradient = gradient.data<T>().ToArray();

        T[] xs = x.data<T>().ToArray(), ys = y.data<T>().ToArray();
        var actualGradient = new T[3];
        var scratch = new T[PortableLinear<T>.ScratchLength(n)];
        T w0 = T.CreateTruncating(weight[0, 0].ToDouble()), w1 = T.CreateTruncating(weight[0, 1].ToDouble()), b = T.CreateTruncating(bias[0].ToDouble());
        T loss = PortableLinear<T>.LossAndGradient(xs, ys, w0, w1, b, actualGradient, scratch);
        T validation = PortableLinear<T>.Loss(xs, ys, w0, w1, b, scratch);

        Assert.Equal(expectedLoss, double.CreateTruncating(loss));
        Assert.Equal(expectedValidation, double.CreateTruncating(validation));
        Assert.Equal(expectedGradient, actualGradient);
    }
}

/// <summary>
/// A network with hidden layers on the host (<see cref="PortableMlp{T}"/>) gives the tensor kernels' bits:
/// every activation, both dtypes, sample counts that take one slice of terms or several.
/// </summary>
[Collection(TorchCollection.Name)]
public sealed class PortableMlpTests
{
    [Theory]
    [InlineData(new[] { 16, 16 }, Activation.Relu, 1000)]
    [InlineData(new[] { 8 }, Activation.Tanh, 3001)]
    [InlineData(new[] { 5, 3 }, Activation.Gelu, 777)]
    [InlineData(new[] { 64, 64 }, Activation.Relu, 2500)] // several slices of gradient terms
    [InlineData(new[] { 4 }, Activation.Relu, 3)]
    public void Loss_and_gradient_are_the_tensor_kernels_to_the_bit(int[] hidden, Activation activation, int n)
    {
        Same<float>(Architecture.Adder(hidden, activation), n, ScalarType.Float32, default);
        Same<double>(Architecture.Adder(hidden, activation), n, ScalarType.Float64, default);
    }

    [Theory]
    [InlineData(LossFunction.L1, 1.0, new int[0])]
    [InlineData(LossFunction.Huber, 0.5, new int[0])]
    [InlineData(LossFunction.SmoothL1, 0.3, new int[0])]
    [InlineData(LossFunction.Huber, 1.0, new[] { 8 })]
    [InlineData(LossFunction.SmoothL1, 2.0, new[] { 6, 4 })]
    [InlineData(LossFunction.L1, 1.0, new[] { 5 })]
    public void Every_loss_is_the_tensor_kernels_to_the_bit(LossFunction loss, double delta, int[] hidden)
    {
        Architecture architecture = Architecture.Adder(hidden, Activation.Tanh);
        foreach (int n in new[] { 999, 5000 })
        {
            Same<float>(architecture, n, ScalarType.Float32, new Criterion(loss, delta));
            Same<double>(architecture, n, ScalarType.Float64, new Criterion(loss, delta));
        }
    }

    [Fact]
    public void A_minibatch_of_one_sample_trains_a_hidden_layer()
    {
        // 50 samples in batches of 7: the last batch holds one, whose gradient terms once failed to be viewed as rows.
        TrainResult result = Trainer.Train(new TrainOptions { Architecture = Architecture.Adder([4], Activation.Relu), Samples = 50, BatchSize = 7, Epochs = 2, Device = DeviceRequest.Cpu });

        Assert.Equal(2, result.EpochsRun);
        Assert.All(result.Losses, loss => Assert.True(double.IsFinite(loss)));
    }

    private static void Same<T>(Architecture architecture, int n, ScalarType dtype, Criterion criterion)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        NativeRuntime.EnsureLoaded();
        using var scope = NewDisposeScope();
        manual_seed(n + architecture.Hidden.Count);
        Tensor x = rand(2, n, dtype: dtype).mul(3).sub(1), y = rand(1, n, dtype: dtype).mul(4);
        var shapes = architecture.Parameters().ToArray();
        Tensor[] parameters = [.. shapes.Select(p => randn(p.Shape, dtype: dtype).mul(0.5))];
        using var network = new PortableNetwork(architecture, [.. Enumerable.Range(0, shapes.Length / 2).Select(l => (parameters[2 * l].alias(), parameters[2 * l + 1].alias()))], criterion);
        Tensor gradient = zeros(architecture.ParameterCount, dtype: dtype);
        double expectedLoss = network.LossAndGradient(x, y, gradient).ToDouble();
        double expectedValidation = network.Loss(x, y).ToDouble();
        T[] expectedGradient = gradient.data<T>().ToArray();

        T[] flat = [.. parameters.SelectMany(p => p.data<T>().ToArray())];
        var mlp = new PortableMlp<T>(architecture, criterion, n);
        var actualGradient = new T[flat.Length];
        T loss = mlp.LossAndGradient(x.data<T>().ToArray(), y.data<T>().ToArray(), flat, actualGradient);
        T validation = mlp.Loss(x.data<T>().ToArray(), y.data<T>().ToArray(), flat);

        Assert.Equal(expectedLoss, double.CreateTruncating(loss));
        Assert.Equal(expectedValidation, double.CreateTruncating(validation));
        Assert.Equal(expectedGradient, actualGradient);
    }
}
