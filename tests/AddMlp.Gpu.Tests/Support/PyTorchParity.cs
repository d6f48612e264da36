namespace AddMlp.Gpu.Tests;

/// <summary>
/// How close addmlp comes to PyTorch 1.13's numbers (its stored runs in Fixtures/), stated once for
/// every test that compares with them. The portable kernels add their sums in another order than
/// PyTorch's (and in double), so each epoch's gradient differs from PyTorch's in its last bits; the
/// difference in the loss starts at an ulp or so and grows as the loss falls towards what float32
/// weights can resolve. Measured on the tutorial (seeds 42 and 7) and its one-cycle run: at most 1.9e-6
/// through epoch 50, 2.3e-5 through 100, 3.2e-4 through 150 (the one-cycle run: 1.2e-6 throughout); the bounds leave two to three times that.
/// </summary>
public static class PyTorchParity
{
    /// <summary>The relative difference allowed between addmlp's and PyTorch's loss at a 1-based epoch (up to 150).</summary>
    public static double RelativeTolerance(int epoch) => epoch switch
    {
        <= 50 => 4e-6,
        <= 100 => 5e-5,
        <= 150 => 1e-3,
        _ => throw new ArgumentOutOfRangeException(nameof(epoch), epoch, "PyTorch's stored runs hold 150 epochs"),
    };

    /// <summary>Asserts that every epoch's loss is within <see cref="RelativeTolerance"/> of PyTorch's.</summary>
    public static void AssertClose(IReadOnlyList<float> pytorch, IReadOnlyList<double> ours, string what)
    {
        for (int epoch = 1; epoch <= pytorch.Count; epoch++)
        {
            double expected = pytorch[epoch - 1], actual = (float)ours[epoch - 1];
            double relative = Math.Abs(actual - expected) / Math.Abs(expected);
            Assert.True(relative <= RelativeTolerance(epoch),
                $"{what}, epoch {epoch}: addmlp {actual:R}, PyTorch {expected:R}, relative difference {relative:E2} > {RelativeTolerance(epoch):E0}");
        }
    }

    /// <summary>A stored PyTorch run's per-epoch losses (Fixtures/NAME), as the float32 values they were.</summary>
    public static float[] Losses(string fixture) =>
        [.. System.Text.Json.JsonSerializer.Deserialize<double[]>(File.ReadAllText(Repo.File("tests", "AddMlp.Gpu.Tests", "Fixtures", fixture)))!.Select(v => (float)v)];
}
