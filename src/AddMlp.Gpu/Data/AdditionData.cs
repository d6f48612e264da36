using static TorchSharp.torch;

namespace AddMlp.Gpu;

/// <summary>The tutorial's data: pairs uniform in a range and their sums, made on the CPU.</summary>
internal static class AdditionData
{
    /// <summary>
    /// X = rand(samples, 2) scaled to <paramref name="range"/>, y = X.sum(dim=1, keepdim=True), plus
    /// Gaussian label noise when <paramref name="noise"/> &gt; 0, all drawn from torch's global CPU
    /// generator in that order. Made on the CPU so that a seed gives the same data on every device.
    /// </summary>
    public static (Tensor X, Tensor Y) Create(long samples, InputRange range, double noise = 0)
    {
        using var scope = NewDisposeScope();
        Tensor x = rand(samples, 2, dtype: float32, device: CPU);
        if (range != InputRange.Unit)
            x = x.mul(range.High - range.Low).add_(range.Low);
        Tensor y = x.sum(dim: 1, keepdim: true);
        if (noise > 0)
            y = y.add(randn_like(y).mul_(noise));
        return (x.MoveToOuterDisposeScope(), y.MoveToOuterDisposeScope());
    }
}
