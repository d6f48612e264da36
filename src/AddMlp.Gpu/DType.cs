using TorchSharp;

namespace AddMlp.Gpu;

/// <summary>addmlp's dtype names (float32, float64) and the torch types they stand for.</summary>
internal static class DType
{
    public static torch.ScalarType Of(string name) => name == "float64" ? torch.ScalarType.Float64 : torch.ScalarType.Float32;
}
