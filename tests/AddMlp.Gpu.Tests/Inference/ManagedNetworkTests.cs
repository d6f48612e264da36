namespace AddMlp.Gpu.Tests;

/// <summary>
/// `predict` on the CPU evaluates the network in C#; it must give what the portable kernels give, to the
/// bit: the same products in the same order, the same tanh and GELU.
/// </summary>
[Collection(TorchCollection.Name)]
public sealed class ManagedNetworkTests
{
    [Theory]
    [InlineData("float32", new int[0], null)]
    [InlineData("float64", new int[0], null)]
    [InlineData("float32", new[] { 16, 16 }, "relu")]
    [InlineData("float64", new[] { 8 }, "tanh")]
    [InlineData("float32", new[] { 32, 4 }, "tanh")]
    [InlineData("float32", new[] { 8, 8 }, "gelu")]
    [InlineData("float64", new[] { 6 }, "gelu")]
    public void Managed_predictions_are_the_portable_kernels_bits(string dtype, int[] hidden, string? activation)
    {
        TrainResult trained = Trainer.Train(new TrainOptions { Device = DeviceRequest.Cpu, Epochs = 40, DType = Parse<DType>(dtype), Architecture = new Architecture(2, hidden, activation is null ? null : Parse<Activation>(activation), 1) });
        ModelDocument model = ModelDocument.From(trained);
        var random = new Random(11);
        (double, double)[] pairs = Enumerable.Range(0, 300).Select(_ => (random.NextDouble() * 20 - 10, random.NextDouble() * 20 - 10)).ToArray();

        double[] managed = ManagedNetwork.Predict(model, pairs);
        double[] portable = Predictor.Predict(model, pairs, Devices.Resolve(DeviceRequest.Cpu));

        for (int i = 0; i < pairs.Length; i++)
            Assert.True(BitConverter.DoubleToInt64Bits(managed[i]) == BitConverter.DoubleToInt64Bits(portable[i]), $"pair {pairs[i]}: managed {managed[i]:R}, portable {portable[i]:R}");
    }
}
