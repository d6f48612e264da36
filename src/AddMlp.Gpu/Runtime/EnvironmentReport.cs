using TorchSharp;

namespace AddMlp.Gpu;

/// <summary>What addmlp runs on: versions, backend, native runtime, CUDA, GPUs, threads, libstdc++. For `addmlp info`.</summary>
public sealed record EnvironmentReport
{
    public required string Addmlp { get; init; }
    public required string Torchsharp { get; init; }
    /// <summary>The libtorch package bundled with this build (e.g. "libtorch-cpu-linux-x64 2.10.0"), or null for TorchBackend=external.</summary>
    public required string? LibtorchPackage { get; init; }
    /// <summary>Where the loaded libtorch lives, when it could be loaded.</summary>
    public required string? LibtorchPath { get; init; }
    /// <summary>The version of the libtorch in use: the bundled package's, or the external libtorch's (e.g. "2.11.0+cu130").</summary>
    public required string? LibtorchVersion { get; init; }
    /// <summary>The CUDA version that libtorch was built for, where it says (external libtorch only).</summary>
    public required string? LibtorchCuda { get; init; }
    /// <summary>TorchBackend=external: the folder libtorch is loaded from, and how it was chosen (ADDMLP_LIBTORCH or python3's torch).</summary>
    public required string? LibtorchDirectory { get; init; }
    public required string? LibtorchFoundBy { get; init; }
    /// <summary>The libtorch version TorchSharp's native shim was compiled against.</summary>
    public required string? ShimLibtorchVersion { get; init; }
    /// <summary>TorchBackend=external: whether libtorch's major.minor is the shim's (addmlp refuses to run otherwise).</summary>
    public required bool? ShimMatchesLibtorch { get; init; }
    public required TorchBackend Backend { get; init; }
    public required bool NativeRuntimeLoaded { get; init; }
    public required string? NativeRuntimeProblem { get; init; }
    /// <summary>What to do about <see cref="NativeRuntimeProblem"/>, in the caller's words.</summary>
    public required string? NativeRuntimeFix { get; init; }
    public required bool CudaAvailable { get; init; }
    public required string? CudaUnavailableReason { get; init; }
    public required int CudaDevices { get; init; }
    /// <summary>GPU models from the NVIDIA driver (/proc/driver/nvidia/gpus); TorchSharp has no API for names.</summary>
    public required IReadOnlyList<string> Gpus { get; init; }
    public required int? TorchThreads { get; init; }
    public required int LogicalCores { get; init; }
    public required string? Libstdcxx { get; init; }
    public required bool? LibstdcxxHasGlibcxx3432 { get; init; }
    public required string Os { get; init; }
    /// <summary>The malloc in use: jemalloc or tcmalloc when preloaded, else the C library's.</summary>
    public required string Allocator { get; init; }
    /// <summary>Whether a malloc other than the C library's was preloaded.</summary>
    public required bool AllocatorPreloaded { get; init; }
    /// <summary>Where the model and the loss curve go by default, as the caller names them, made absolute.</summary>
    public required string DefaultModel { get; init; }
    public required string DefaultLossCurve { get; init; }

    /// <summary>
    /// Looks at this process and machine. Loads libtorch if that has not been tried; a failure is
    /// reported, not thrown, with the remedy <paramref name="remedy"/> gives for it.
    /// </summary>
    public static EnvironmentReport Collect(string defaultModelPath, string defaultLossCurvePath, Func<NativeRuntimeException, string> remedy)
    {
        LibtorchLoad load = NativeRuntime.Status();
        NativeRuntimeException? failure = load.Failure;
        bool loaded = failure is null;
        string? bundled = BundledLibtorch();
        string? whyNoCuda = loaded ? Devices.WhyCudaUnavailable() : "the native runtime did not load";
        (string? stdcxx, bool? hasSymbol) = LibStdCxx();
        string? allocator = PreloadedAllocator();

        return new EnvironmentReport
        {
            Addmlp = ProductVersion.Current,
            Torchsharp = NativeRuntime.TorchSharpVersion,
            LibtorchPackage = bundled,
            LibtorchPath = loaded ? LoadedLibrary("libtorch_cpu") : null,
            LibtorchVersion = load.Libtorch?.Version ?? bundled?.Split(' ').LastOrDefault(),
            LibtorchCuda = load.Libtorch?.CudaVersion,
            LibtorchDirectory = load.Libtorch?.LibDirectory,
            LibtorchFoundBy = load.Libtorch?.FoundBy,
            ShimLibtorchVersion = load.ShimLibtorchVersion,
            ShimMatchesLibtorch = load.ShimMatches,
            Backend = NativeRuntime.Backend,
            NativeRuntimeLoaded = loaded,
            NativeRuntimeProblem = failure?.Problem,
            NativeRuntimeFix = failure is null ? null : remedy(failure),
            CudaAvailable = whyNoCuda is null,
            CudaUnavailableReason = whyNoCuda,
            CudaDevices = whyNoCuda is null ? torch.cuda.device_count() : 0,
            Gpus = NvidiaGpus(),
            TorchThreads = loaded ? torch.get_num_threads() : null,
            LogicalCores = Environment.ProcessorCount,
            Libstdcxx = stdcxx,
            LibstdcxxHasGlibcxx3432 = hasSymbol,
            Os = System.Runtime.InteropServices.RuntimeInformation.OSDescription,
            Allocator = allocator ?? "the C library's malloc",
            AllocatorPreloaded = allocator is not null,
            DefaultModel = Path.GetFullPath(defaultModelPath),
            DefaultLossCurve = Path.GetFullPath(defaultLossCurvePath),
        };
    }

    /// <summary>The libtorch-* package and version for this OS that the build ships (stamped into the assembly at build time).</summary>
    private static string? BundledLibtorch()
    {
        string os = OperatingSystem.IsWindows() ? "-win-" : OperatingSystem.IsMacOS() ? "-osx-" : "-linux-";
        string packages = NativeRuntime.BuildMetadata("LibtorchPackages") ?? "";
        return packages.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .FirstOrDefault(p => p.Contains(os, StringComparison.Ordinal));
    }

    /// <summary>jemalloc or tcmalloc, where one was preloaded; null for the C library's malloc.</summary>
    private static string? PreloadedAllocator()
    {
        if (LoadedLibrary("libjemalloc") is string je)
            return Environment.GetEnvironmentVariable("MALLOC_CONF") is { Length: > 0 } conf ? $"jemalloc ({je}; {conf})" : $"jemalloc ({je})";
        if ((LoadedLibrary("libtcmalloc_minimal") ?? LoadedLibrary("libtcmalloc")) is string tc)
            return $"tcmalloc ({tc})";
        return null;
    }

    /// <summary>The path of a loaded shared library whose file name starts with <paramref name="stem"/> (Linux: /proc/self/maps).</summary>
    private static string? LoadedLibrary(string stem)
    {
        if (!OperatingSystem.IsLinux())
            return null;
        try
        {
            return File.ReadLines("/proc/self/maps")
                .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries).LastOrDefault())
                .FirstOrDefault(path => path is not null && path.StartsWith('/') && Path.GetFileName(path).StartsWith(stem + ".", StringComparison.Ordinal));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null; // no /proc (a container without it): the report says "not found" rather than failing
        }
    }

    private static (string? Path, bool? HasGlibcxx3432) LibStdCxx()
    {
        string? path = LoadedLibrary("libstdc++");
        if (path is null || !File.Exists(path))
            return (path, null);
        byte[] content = File.ReadAllBytes(path);
        return (path, content.AsSpan().IndexOf("GLIBCXX_3.4.32"u8) >= 0);
    }

    private static IReadOnlyList<string> NvidiaGpus()
    {
        const string root = "/proc/driver/nvidia/gpus";
        if (!Directory.Exists(root))
            return [];
        return Directory.GetDirectories(root).Order()
            .Select(dir => Path.Combine(dir, "information"))
            .Where(File.Exists)
            .Select(file => File.ReadLines(file).FirstOrDefault(l => l.StartsWith("Model:", StringComparison.Ordinal))?["Model:".Length..].Trim() ?? "unknown model")
            .ToList();
    }
}
