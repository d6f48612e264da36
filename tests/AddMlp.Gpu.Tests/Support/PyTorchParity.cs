using System.Text.Json;

namespace AddMlp.Gpu.Tests;

/// <summary>
/// How close addmlp comes to PyTorch 1.13's numbers (its stored runs in Fixtures/), stated once, in
/// Fixtures/pytorch-parity.json, for every test here and for the scripts that compare with PyTorch
/// (scripts/pytorch/parity.py): the relative difference allowed in each epoch's loss.
/// </summary>
public static class PyTorchParity
{
    private static readonly (int ThroughEpoch, double Relative)[] Bounds = Load();

    private static (int, double)[] Load()
    {
        using JsonDocument table = JsonDocument.Parse(File.ReadAllText(Repo.File("tests", "AddMlp.Gpu.Tests", "Fixtures", "pytorch-parity.json")));
        return [.. table.RootElement.GetProperty("relative_tolerance").EnumerateArray()
            .Select(b => (b.GetProperty("through_epoch").GetInt32(), b.GetProperty("relative").GetDouble()))];
    }

    /// <summary>The relative difference allowed between addmlp's and PyTorch's loss at a 1-based epoch.</summary>
    public static double RelativeTolerance(int epoch) =>
        Bounds.FirstOrDefault(b => epoch <= b.ThroughEpoch) is { ThroughEpoch: > 0 } bound
            ? bound.Relative
            : throw new ArgumentOutOfRangeException(nameof(epoch), epoch, $"the tolerance is stated through epoch {Bounds[^1].ThroughEpoch}");

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
        [.. JsonSerializer.Deserialize<double[]>(File.ReadAllText(Repo.File("tests", "AddMlp.Gpu.Tests", "Fixtures", fixture)))!.Select(v => (float)v)];
}
