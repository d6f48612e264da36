using static TorchSharp.torch;

namespace AddMlp.Gpu;

/// <summary>The tutorial's data: pairs uniform in [0, 1) and their sums, made on the CPU.</summary>
public static class AdditionData
{
    /// <summary>
    /// X = rand(samples, 2), y = X.sum(dim=1, keepdim=True), drawn from torch's global CPU generator.
    /// Made on the CPU so that the same seed gives the same data on every device.
    /// </summary>
    public static (Tensor X, Tensor Y) Create(long samples)
    {
        Tensor x = rand(samples, 2, dtype: float32, device: CPU);
        Tensor y = x.sum(dim: 1, keepdim: true);
        return (x, y);
    }
}
