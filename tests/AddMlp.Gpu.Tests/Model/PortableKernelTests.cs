using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AddMlp.Gpu.Tests;

/// <summary>
/// The portable kernels compute what libtorch's compute — the same loss and gradients to float rounding —
/// in an order that depends on nothing but the shapes: not on the thread count, nor on how the samples
/// are sliced to bound memory.
/// </summary>
[Collection(TorchCollection.Name)]
public sealed class PortableKernelTests
{
    [Theory]
    [InlineData("float32", new int[0], null, 1000)]
    [InlineData("float32", new[] { 16, 16 }, "relu", 257)]
    [InlineData("float32", new[] { 8, 4 }, "tanh", 300)]
    [InlineData("float32", new[] { 8 }, "gelu", 300)]
    [InlineData("float64", new[] { 8, 8 }, "tanh", 129)]
    [InlineData("float64", new[] { 6 }, "gelu", 100)]
    public void Loss_and_gradient_are_autograds_to_float_rounding(string dtype, int[] hidden, string? activation, int samples) =>
        AssertAutogradsLossAndGradient(new Architecture(2, hidden, activation is null ? null : Parse<Activation>(activation), 1), Parse<DType>(dtype), samples, noise: 0.2, default, "mse");

    /// <summary>
    /// The portable kernels' loss (with and without the gradient) and gradient against libtorch's loss and
    /// autograd's, on seeded data in -3:3 with label noise: within 2e-5 (float32) or 1e-12 (float64), relatively.
    /// </summary>
    internal static void AssertAutogradsLossAndGradient(Architecture architecture, DType dtype, int samples, double noise, Criterion criterion, string what)
    {
        ScalarType type = dtype.ToTorch();
        manual_seed(3);
        var (x, y) = AdditionData.Create(samples, new InputRange(-3, 3), noise);
        (x, y) = (x.to(type), y.to(type));
        manual_seed(5);
        using Sequential model = AdderNet.Create(architecture);
        model.to(type);
        using FlatParameters parameters = FlatParameters.Bind(model);

        parameters.ZeroGrad();
        Tensor expectedLoss = criterion.Native(model.forward(x), y);
        expectedLoss.backward();
        double[] expected = parameters.Grad.to(float64).data<double>().ToArray();

        using PortableNetwork portable = PortableNetwork.Over(architecture, parameters, criterion);
        using Tensor gradient = zeros_like(parameters.Grad);
        Tensor loss = portable.LossAndGradient(PortableNetwork.FeatureMajor(x), PortableNetwork.FeatureMajor(y), gradient);
        double[] actual = gradient.to(float64).data<double>().ToArray();

        double tolerance = dtype == DType.Float32 ? 2e-5 : 1e-12;
        Assert.Equal(expectedLoss.ToDouble(), loss.ToDouble(), tolerance * expectedLoss.ToDouble());
        Assert.Equal(expectedLoss.ToDouble(), portable.Loss(PortableNetwork.FeatureMajor(x), PortableNetwork.FeatureMajor(y)).ToDouble(), tolerance * expectedLoss.ToDouble());
        double scale = expected.Max(Math.Abs);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance * scale, $"{what}, parameter {i}: autograd {expected[i]:R}, portable {actual[i]:R}");
    }

    [Fact]
    public void Thread_count_changes_no_bit()
    {
        TrainResult Run(int threads) => Trainer.Train(new TrainOptions { Device = DeviceRequest.Cpu, Samples = 200_000, Epochs = 5, Threads = threads, Architecture = new Architecture(2, [4], Activation.Tanh, 1) });
        TrainResult one = Run(1), two = Run(2);
        Assert.Equal(one.Losses, two.Losses);
        foreach (string name in one.StateDict.Keys)
            Assert.Equal(one.StateDict[name].Values, two.StateDict[name].Values);
        Assert.Equal((1, 2), (one.ThreadsUsed, two.ThreadsUsed));
    }

    /// <summary>Sums over the samples are made in slices when the per-sample terms would not fit in a bounded amount of memory; they are still autograd's to float rounding.</summary>
    [Fact]
    public void A_batch_summed_in_slices_still_gives_autograds_gradient()
    {
        var architecture = new Architecture(2, [64, 64], Activation.Relu, 1); // 4,417 parameters: 1,000 samples take 2 slices
        manual_seed(3);
        var (x, y) = AdditionData.Create(1000, InputRange.Unit);
        manual_seed(5);
        using Sequential model = AdderNet.Create(architecture);
        using FlatParameters parameters = FlatParameters.Bind(model);
        Assert.True(architecture.ParameterCount * 1000 > PortableNetwork.GradientTermValues);

        parameters.ZeroGrad();
        nn.functional.mse_loss(model.forward(x), y).backward();
        double[] expected = parameters.Grad.to(float64).data<double>().ToArray();
        using PortableNetwork portable = PortableNetwork.Over(architecture, parameters, default);
        using Tensor gradient = zeros_like(parameters.Grad);
        portable.LossAndGradient(PortableNetwork.FeatureMajor(x), PortableNetwork.FeatureMajor(y), gradient);
        double[] actual = gradient.to(float64).data<double>().ToArray();

        double scale = expected.Max(Math.Abs);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 2e-5 * scale, $"parameter {i}: autograd {expected[i]:R}, portable {actual[i]:R}");
    }

    /// <summary>
    /// FixedOrderSum adds in the order its documentation gives, and nothing else: column j + column j + half
    /// (an odd column out into column 0) until rows × columns ≤ 4096, then the rest one after another in
    /// double. Written out here in plain C#, for many shapes, it must give the same bits.
    /// </summary>
    [Theory]
    [InlineData(1, 1)]
    [InlineData(4, 1000)]
    [InlineData(3, 1025)]
    [InlineData(338, 1000)]
    [InlineData(1, 100_003)]
    [InlineData(17, 4099)]
    public void Fixed_order_sums_are_the_documented_order(int rows, int columns)
    {
        manual_seed(rows * 7919 + columns);
        Tensor values = randn(rows, columns).mul(exp(randn(rows, columns).mul(3)));
        float[] data = values.data<float>().ToArray();

        float[] sums = FixedOrderSum.Rows(values).data<float>().ToArray();

        for (int row = 0; row < rows; row++)
        {
            float[] v = data.Skip(row * columns).Take(columns).ToArray();
            for (int h = FixedOrderSum.Halvings(rows, columns); h > 0; h--)
            {
                int half = v.Length / 2;
                float[] folded = Enumerable.Range(0, half).Select(j => v[j] + v[j + half]).ToArray();
                if (v.Length % 2 == 1)
                    folded[0] += v[2 * half];
                v = folded;
            }
            double sequential = 0;
            foreach (float value in v)
                sequential += value;
            Assert.Equal(BitConverter.SingleToUInt32Bits((float)sequential), BitConverter.SingleToUInt32Bits(sums[row]));
        }
    }
}
