namespace AddMlp.Gpu;

/// <summary>A GPU was asked for that this machine or this build cannot provide.</summary>
/// <param name="requested">The device asked for: cuda or cuda:N.</param>
/// <param name="cudaUnavailableReason">Why there is no CUDA at all; null when CUDA works but there is no GPU of that index.</param>
/// <param name="deviceCount">How many CUDA devices there are.</param>
public sealed class DeviceUnavailableException(DeviceRequest requested, string? cudaUnavailableReason, int deviceCount)
    : Exception(cudaUnavailableReason is null
        ? $"{requested}: no such GPU; this machine has {deviceCount} CUDA device(s)"
        : $"{requested}: CUDA is unavailable: {cudaUnavailableReason}")
{
    public DeviceRequest Requested { get; } = requested;
    public string? CudaUnavailableReason { get; } = cudaUnavailableReason;
    public int DeviceCount { get; } = deviceCount;
}
