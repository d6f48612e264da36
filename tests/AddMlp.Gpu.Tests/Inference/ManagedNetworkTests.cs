namespace AddMlp.Gpu.Tests;

/// <summary>`predict` on the CPU evaluates the network in C#; it must give libtorch's answers.</summary>
[Collection(TorchCollection.Name)]
public sealed class ManagedNetworkTests
{
    [Theory]
    [InlineData("float32", new int[0], null)]
    [InlineData("float64", new int[0], null)]
    [InlineData("float32", new[] { 16, 16 }, "relu")]
    [InlineData("float64", new[] { 8 }, "tanh")]
    [InlineData("float32", new[] { 32, 4 }, "tanh")]
    public void Managed_predictions_match_libtorch_to_float_rounding(string dtype, int[] hidden, string? activation)
    {
        TrainResult trained = Trainer.Train(new TrainOptions { Epochs = 40, DType = Parse<DType>(dtype), Architecture = new Architecture(2, hidden, activation is null ? null : Parse<Activation>(activation), 1) });
        ModelDocument model = ModelDocument.From(trained);
        var random = new Random(11);
        (double, double)[] pairs = Enumerable.Range(0, 300).Select(_ => (random.NextDouble() * 20 - 10, random.NextDouble() * 20 - 10)).ToArray();

        double[] managed = ManagedNetwork.Predict(model, pairs);
        double[] torch = Predictor.Predict(model, pairs, Devices.Resolve("cpu"));

        double tolerance = dtype == "float32" ? 1e-5 : 1e-12;
        for (int i = 0; i < pairs.Length; i++)
            Assert.True(Math.Abs(managed[i] - torch[i]) <= tolerance * Math.Max(1, Math.Abs(torch[i])), $"pair {pairs[i]}: managed {managed[i]}, libtorch {torch[i]}");
    }

    [Fact]
    public void Gelu_networks_are_left_to_libtorch()
    {
        var model = ModelDocument.From(Trainer.Train(new TrainOptions { Epochs = 2, Architecture = new Architecture(2, [4], Activation.Gelu, 1) }));
        Assert.False(ManagedNetwork.Supports(model));
        Assert.Throws<NotSupportedException>(() => ManagedNetwork.Predict(model, [(1, 2)]));
    }
}
