using TorchSharp;

namespace AddMlp.Gpu;

/// <summary>The device a run uses, with the reason it was chosen (for the summary and the model file).</summary>
public sealed record ResolvedDevice
{
    private ResolvedDevice(int? cudaIndex, string reason) => (CudaIndex, Reason) = (cudaIndex, reason);

    public static ResolvedDevice Cpu(string reason) => new(null, reason);

    public static ResolvedDevice Gpu(int index, string reason) => new(index, reason);

    /// <summary>The GPU's index; null on the CPU.</summary>
    public int? CudaIndex { get; }

    /// <summary>Why this device, e.g. "auto; CUDA unavailable: this build uses the CPU-only libtorch (TorchBackend=cpu)".</summary>
    public string Reason { get; }

    public bool IsCuda => CudaIndex is not null;

    /// <summary>"cpu" or "cuda:N", as files and messages write it.</summary>
    public string Name => CudaIndex is int index ? $"cuda:{index}" : "cpu";

    internal torch.Device Torch => CudaIndex is int index ? torch.device(DeviceType.CUDA, index) : torch.CPU;
}
