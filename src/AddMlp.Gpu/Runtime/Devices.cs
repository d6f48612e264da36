using System.Text.RegularExpressions;
using TorchSharp;

namespace AddMlp.Gpu;

/// <summary>Resolves auto / cpu / cuda / cuda:N to a device, and explains why CUDA is unavailable.</summary>
public static partial class Devices
{
    /// <summary>True for the device names addmlp accepts: auto, cpu, cuda, cuda:N.</summary>
    public static bool IsValidName(string requested) => DeviceName().IsMatch(requested);

    /// <summary>
    /// auto: CUDA when available, else the CPU (the reason says which and why).
    /// cuda / cuda:N: that GPU, or <see cref="DeviceUnavailableException"/> saying why not.
    /// </summary>
    public static ResolvedDevice Resolve(string requested)
    {
        Match m = DeviceName().Match(requested);
        if (!m.Success)
            throw new ArgumentException($"unknown device '{requested}': use auto, cpu, cuda or cuda:N", nameof(requested));

        if (requested == "cpu")
            return new ResolvedDevice("cpu", "requested");

        NativeRuntime.EnsureLoaded();
        string? whyNot = WhyCudaUnavailable();
        if (requested == "auto")
        {
            return whyNot is null
                ? new ResolvedDevice("cuda:0", $"auto; CUDA available, {torch.cuda.device_count()} device(s)")
                : new ResolvedDevice("cpu", $"auto; CUDA unavailable: {whyNot}");
        }

        if (whyNot is not null)
            throw new DeviceUnavailableException(requested, whyNot, 0);

        int index = m.Groups["index"].Success ? int.Parse(m.Groups["index"].Value, System.Globalization.CultureInfo.InvariantCulture) : 0;
        int count = torch.cuda.device_count();
        if (index >= count)
            throw new DeviceUnavailableException(requested, null, count);
        return new ResolvedDevice($"cuda:{index}", "requested");
    }

    /// <summary>Null when CUDA can be used; otherwise the reason it cannot, in a few words.</summary>
    public static string? WhyCudaUnavailable()
    {
        if (NativeRuntime.Backend == "cpu")
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

    [GeneratedRegex(@"^(auto|cpu|cuda(:(?<index>[0-9]{1,3}))?)$")]
    private static partial Regex DeviceName();
}

/// <summary>A GPU was asked for that this machine or this build cannot provide.</summary>
/// <param name="requested">The device asked for: cuda or cuda:N.</param>
/// <param name="cudaUnavailableReason">Why there is no CUDA at all; null when CUDA works but there is no GPU of that index.</param>
/// <param name="deviceCount">How many CUDA devices there are.</param>
public sealed class DeviceUnavailableException(string requested, string? cudaUnavailableReason, int deviceCount)
    : Exception(cudaUnavailableReason is null
        ? $"{requested}: no such GPU; this machine has {deviceCount} CUDA device(s)"
        : $"{requested}: CUDA is unavailable: {cudaUnavailableReason}")
{
    public string Requested { get; } = requested;
    public string? CudaUnavailableReason { get; } = cudaUnavailableReason;
    public int DeviceCount { get; } = deviceCount;
}

/// <summary>The device a run uses, with the reason it was chosen (for the summary and the model file).</summary>
/// <param name="Name">"cpu" or "cuda:N".</param>
/// <param name="Reason">Why this device, e.g. "auto; CUDA unavailable: this build uses the CPU-only libtorch (TorchBackend=cpu)".</param>
public sealed record ResolvedDevice(string Name, string Reason)
{
    public bool IsCuda => Name.StartsWith("cuda", StringComparison.Ordinal);

    internal torch.Device Torch => torch.device(Name);
}
