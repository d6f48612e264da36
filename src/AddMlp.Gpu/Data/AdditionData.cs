using static TorchSharp.torch;

namespace AddMlp.Gpu;

/// <summary>The tutorial's data: pairs uniform in a range and their sums, made on the CPU.</summary>
internal static class AdditionData
{
    /// <summary>
    /// X = rand(samples, 2) scaled to <paramref name="range"/>, y = X[:, 0] + X[:, 1], plus Gaussian label
    /// noise when <paramref name="noise"/> &gt; 0, all drawn from torch's global CPU generator in that order.
    /// Made on the CPU so that a seed gives the same data on every device; and with operations whose
    /// results no processor changes: the noise is drawn in float64 (libtorch's float32 normal sampler takes
    /// a vectorized path, with other roundings, on an AVX2 CPU than elsewhere) and then rounded to float32.
    /// </summary>
    public static (Tensor X, Tensor Y) Create(long samples, InputRange range, double noise = 0)
    {
        using var scope = NewDisposeScope();
        Tensor x = rand(samples, 2, dtype: float32, device: CPU);
        if (range != InputRange.Unit)
            x = x.mul(range.High - range.Low).add_(range.Low);
        Tensor y = x.narrow(1, 0, 1).add(x.narrow(1, 1, 1));
        if (noise > 0)
            y = y.add(randn(samples, 1, dtype: float64, device: CPU).mul_(noise).to(float32));
        return (x.MoveToOuterDisposeScope(), y.MoveToOuterDisposeScope());
    }
}
