using TorchSharp;

namespace AddMlp.Gpu;

/// <summary>The floating-point type the data and the network compute in (written "float32", "float64").</summary>
public enum DType
{
    Float32,
    Float64,
}

/// <summary>The torch type a <see cref="DType"/> stands for.</summary>
internal static class DTypeExtensions
{
    public static torch.ScalarType ToTorch(this DType dtype) => dtype == DType.Float64 ? torch.ScalarType.Float64 : torch.ScalarType.Float32;
}
