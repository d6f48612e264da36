namespace AddMlp.Gpu.Tests;

/// <summary>
/// A test of what users see where CUDA cannot be used. scripts/test builds the CPU backend, where that
/// holds on every machine; a CUDA build on a machine with an NVIDIA driver skips it, saying why, rather
/// than failing there.
/// </summary>
public sealed class WithoutCudaFactAttribute : FactAttribute
{
    public WithoutCudaFactAttribute()
    {
        if (WithoutCuda.SkipReason is string reason)
            Skip = reason;
    }
}

/// <inheritdoc cref="WithoutCudaFactAttribute"/>
public sealed class WithoutCudaTheoryAttribute : TheoryAttribute
{
    public WithoutCudaTheoryAttribute()
    {
        if (WithoutCuda.SkipReason is string reason)
            Skip = reason;
    }
}

internal static class WithoutCuda
{
    /// <summary>Null where CUDA cannot be available to this build; else why tests that assume so are skipped.</summary>
    public static string? SkipReason { get; } =
        NativeRuntime.Backend != TorchBackend.Cpu && File.Exists("/proc/driver/nvidia/version")
            ? $"CUDA may be available here (TorchBackend={EnumNames<TorchBackend>.Of(NativeRuntime.Backend)}, NVIDIA driver loaded): this test checks behaviour without it"
            : null;
}
