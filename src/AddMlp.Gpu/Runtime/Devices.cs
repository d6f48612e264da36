using TorchSharp;

namespace AddMlp.Gpu;

/// <summary>Resolves a <see cref="DeviceRequest"/> to a device, and explains why CUDA is unavailable.</summary>
public static class Devices
{
    /// <summary>
    /// auto: CUDA when available, else the CPU (the reason says which and why).
    /// cuda / cuda:N: that GPU, or <see cref="DeviceUnavailableException"/> saying why not.
    /// </summary>
    public static ResolvedDevice Resolve(DeviceRequest requested)
    {
        if (requested.Kind == DeviceKind.Cpu)
            return ResolvedDevice.Cpu("requested");

        NativeRuntime.EnsureLoaded();
        string? whyNot = WhyCudaUnavailable();
        if (requested.Kind == DeviceKind.Auto)
        {
            return whyNot is null
                ? ResolvedDevice.Gpu(0, $"auto; CUDA available, {torch.cuda.device_count()} device(s)")
                : ResolvedDevice.Cpu($"auto; CUDA unavailable: {whyNot}");
        }

        if (whyNot is not null)
            throw new DeviceUnavailableException(requested, whyNot, 0);
        int index = requested.Index ?? 0;
        int count = torch.cuda.device_count();
        if (index >= count)
            throw new DeviceUnavailableException(requested, null, count);
        return ResolvedDevice.Gpu(index, "requested");
    }

    /// <summary>How many CUDA devices there are: 0 where CUDA cannot be used.</summary>
    public static int CudaDeviceCount() => WhyCudaUnavailable() is null ? torch.cuda.device_count() : 0;

    /// <summary>Null when CUDA can be used; otherwise the reason it cannot, in a few words.</summary>
    public static string? WhyCudaUnavailable()
    {
        if (NativeRuntime.Backend == TorchBackend.Cpu)
            return "this build uses the CPU-only libtorch (TorchBackend=cpu)";
        if (NativeRuntime.EnsureLoaded() is { Libtorch: { } external } load)
        {
            if (!external.HasCuda)
                return $"the libtorch in {external.LibDirectory} ({external.Version}) is a CPU-only build (no libtorch_cuda.so)";
            if (load.CudaProblem is { } problem)
                return problem;
        }
        if (OperatingSystem.IsLinux() && !File.Exists("/proc/driver/nvidia/version"))
            return "no NVIDIA driver is loaded (/proc/driver/nvidia/version is missing)";
        if (!torch.cuda.is_available())
            return "libtorch reports no usable CUDA device (is this a CUDA build of libtorch, and does the driver support its CUDA version?)";
        return null;
    }
}
