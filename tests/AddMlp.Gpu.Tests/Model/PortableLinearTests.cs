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
