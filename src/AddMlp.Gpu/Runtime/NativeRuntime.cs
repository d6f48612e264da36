using System.Reflection;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using TorchSharp;

namespace AddMlp.Gpu;

/// <summary>
/// Loads TorchSharp's native side once, before any tensor is made, and turns a failure into a
/// short diagnosis. Left to itself TorchSharp reports a failed load with a page-long trace that
/// never names the cause (and copies libtorch into the app folder while it searches); the dynamic
/// loader's own message does name it, so we ask the loader first.
/// </summary>
public static partial class NativeRuntime
{
    private static readonly Lazy<LibtorchLoad> Load = new(TryLoad, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The file beside a shim built from source that holds the libtorch version it was compiled against.</summary>
    public const string ShimVersionFile = "libLibTorchSharp.libtorch-version";

    /// <summary>The TorchSharp version this build runs on, e.g. "0.107.0".</summary>
    public static string TorchSharpVersion { get; } = ProductVersion.Of(typeof(torch).Assembly);

    /// <summary>The libtorch flavour this build ships with (MSBuild TorchBackend, which the build always stamps).</summary>
    public static TorchBackend Backend { get; } = EnumNames<TorchBackend>.TryParse(BuildMetadata("TorchBackend") ?? "", out TorchBackend backend)
        ? backend
        : throw new InvalidOperationException("this build does not say which TorchBackend it was built for");

    /// <summary>A value the build stamped into this assembly (AddMlp.Gpu.csproj), or null.</summary>
    internal static string? BuildMetadata(string key) =>
        typeof(NativeRuntime).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == key)?.Value;

    /// <summary>
    /// Starts loading libtorch on a background thread. Loading it takes most of a short run's time
    /// (about 0.4 s here: libtorch registers thousands of operators as it loads), so a command that
    /// will need it starts it first and parses, reads and JIT-compiles meanwhile on the other core.
    /// </summary>
    public static void StartLoading()
    {
        // Resolving a native function takes the dynamic loader's lock, which the loading thread holds for
        // that half second: what this process calls meanwhile (stat, to check an input) is resolved first,
        // or a command that fails at once on a bad file would wait for libtorch before it could say so.
        FileFacts.Stat("/");
        s_loadStarted = true;
        ThreadPool.UnsafeQueueUserWorkItem(_ => _ = Load.Value, null);
    }

    private static volatile bool s_loadStarted;

    /// <summary>
    /// True once loading libtorch has begun, finished or not. A process that exits normally while
    /// another thread is still inside libtorch's loader runs libtorch's static destructors against its
    /// half-run initialisers and aborts ("Tried to register multiple backend fallbacks"), so such a
    /// process must end with _exit.
    /// </summary>
    public static bool LoadStarted => s_loadStarted;

    /// <summary>Makes sure libtorch is loaded and says what was loaded; throws <see cref="NativeRuntimeException"/> if it cannot be.</summary>
    public static LibtorchLoad EnsureLoaded()
    {
        s_loadStarted = true;
        return Load.Value.Failure is { } failure ? throw failure : Load.Value;
    }

    /// <summary>Loads libtorch if that has not been tried yet, and says what was found; never throws.</summary>
    public static LibtorchLoad Status()
    {
        s_loadStarted = true;
        return Load.Value;
    }

    private static LibtorchLoad TryLoad()
    {
        string? shim = FindLibTorchSharp();
        string? shimBuiltFor = ShimLibtorchVersion(shim);
        var load = new LibtorchLoad(null, null, shimBuiltFor, null);
        if (Backend == TorchBackend.External)
        {
            load = LoadExternalLibtorch(shim, shimBuiltFor);
            if (load.Failure is not null)
                return load;
        }

        if (shim is not null && TryLoadLibrary(shim) is { } shimFailure)
            return load with { Failure = shimFailure };

        try
        {
            torch.InitializeDeviceType(DeviceType.CPU);
            return load;
        }
        catch (Exception e)
        {
            string first = (e.InnerException ?? e).Message.Split('\n', 2)[0].Trim();
            return load with
            {
                Failure = new NativeRuntimeException(NativeRuntimeFailure.InitializationFailed, $"TorchSharp {TorchSharpVersion} could not load libtorch: {first}", inner: e),
            };
        }
    }

    /// <summary>
    /// The external backend: find the libtorch to run on (ADDMLP_LIBTORCH, else python3's torch), refuse
    /// it unless the shim was built for its major.minor (the shim binds lazily, so on another version it
    /// loads and then computes wrong numbers), then load it from its folder by full path, so that the shim's
    /// dependencies resolve to it with no LD_LIBRARY_PATH. libtorch_cuda is loaded where present, and why
    /// it did not load is kept: TorchSharp would only say that CUDA is unavailable.
    /// </summary>
    private static LibtorchLoad LoadExternalLibtorch(string? shim, string? shimBuiltFor)
    {
        var none = new LibtorchLoad(null, null, shimBuiltFor, null);
        if (shim is null)
        {
            return none with
            {
                Failure = new NativeRuntimeException(
                    NativeRuntimeFailure.NoShim, $"this addmlp (TorchBackend=external) has no libLibTorchSharp.so beside it in {AppContext.BaseDirectory}."),
            };
        }

        LibtorchInstall libtorch;
        try
        {
            libtorch = LibtorchInstall.Locate();
        }
        catch (NativeRuntimeException e)
        {
            return none with { Failure = e };
        }
        var found = none with { Libtorch = libtorch };

        if (found.ShimMatches != true)
        {
            string builtFor = shimBuiltFor ?? "an unrecorded version";
            return found with
            {
                Failure = new NativeRuntimeException(
                    NativeRuntimeFailure.ShimMismatch,
                    $"libtorch {libtorch.Version} in {libtorch.LibDirectory} ({libtorch.FoundBy}) does not match this addmlp's TorchSharp shim, built for libtorch {builtFor}: a shim runs correctly only on the libtorch major.minor it was compiled against.",
                    libtorch,
                    shimBuiltFor),
            };
        }

        foreach (string stem in (string[])["libc10", "libtorch_cpu"])
        {
            if (TryLoadLibrary(LibtorchInstall.FindLibrary(libtorch.LibDirectory, stem)!) is { } failure)
                return found with { Failure = failure };
        }

        string? cudaProblem = null;
        if (libtorch.HasCuda)
        {
            foreach (string stem in (string[])["libc10_cuda", "libtorch_cuda"])
            {
                if (LibtorchInstall.FindLibrary(libtorch.LibDirectory, stem) is string file && LoadOrReason(file) is string reason)
                {
                    cudaProblem = $"{Path.GetFileName(file)} did not load: {LoaderDetail(reason)}";
                    break;
                }
            }
        }
        found = found with { CudaProblem = cudaProblem };

        string main = LibtorchInstall.FindLibrary(libtorch.LibDirectory, "libtorch")!;
        if (TryLoadLibrary(main) is { } mainFailure)
        {
            // A CUDA build's libtorch.so needs libtorch_cuda.so: then the CUDA libraries are what is missing.
            return found with
            {
                Failure = cudaProblem is null ? mainFailure : new NativeRuntimeException(
                    NativeRuntimeFailure.CudaLibrariesMissing, $"cannot load libtorch from {libtorch.LibDirectory}: {cudaProblem}", libtorch, inner: mainFailure),
            };
        }
        return found;
    }

    private static NativeRuntimeException? TryLoadLibrary(string library) =>
        LoadOrReason(library) is string reason ? Diagnose(library, reason) : null;

    /// <summary>Loads a shared library by path; null when it loaded, else the loader's message.</summary>
    private static string? LoadOrReason(string library)
    {
        try
        {
            NativeLibrary.Load(library);
            return null;
        }
        catch (Exception e) when (e is DllNotFoundException or BadImageFormatException)
        {
            return e.Message;
        }
    }

    /// <summary>
    /// The libtorch version the shim at <paramref name="shim"/> was compiled against: the version file
    /// a shim built from source has beside it, else the one TorchSharp's own shim was built for (stamped at build time).
    /// </summary>
    private static string? ShimLibtorchVersion(string? shim)
    {
        if (shim is not null && Path.GetDirectoryName(shim) is string dir)
        {
            string file = Path.Combine(dir, ShimVersionFile);
            if (File.Exists(file) && File.ReadLines(file).FirstOrDefault()?.Trim() is { Length: > 0 } version)
                return version;
        }
        return BuildMetadata("ShimLibtorchVersion");
    }

    /// <summary>
    /// Turns the dynamic loader's message for a failed load of <paramref name="library"/> into a
    /// diagnosis: which library, which symbol version is missing (if that is the cause), and the fix.
    /// </summary>
    public static NativeRuntimeException Diagnose(string library, string loaderMessage, Exception? inner = null)
    {
        string name = Path.GetFileName(library);
        Match version = MissingVersion().Match(loaderMessage);
        if (version.Success)
        {
            string symbol = version.Groups["symbol"].Value;
            string provider = Path.GetFileName(version.Groups["lib"].Value);
            string needs = symbol.StartsWith("GLIBCXX", StringComparison.Ordinal) || symbol.StartsWith("CXXABI", StringComparison.Ordinal)
                ? "the libstdc++ of GCC 13 or newer"
                : "a newer glibc";
            return new NativeRuntimeException(
                NativeRuntimeFailure.LibstdcxxTooOld, $"cannot load {name}: {provider} lacks {symbol} (TorchSharp {TorchSharpVersion} needs {needs}).", inner: inner);
        }

        Match missing = MissingFile().Match(loaderMessage);
        if (missing.Success)
        {
            return new NativeRuntimeException(NativeRuntimeFailure.LibraryMissing, $"cannot load {name}: {missing.Groups["lib"].Value} was not found.", inner: inner);
        }

        if (loaderMessage.Contains("failed to map segment", StringComparison.Ordinal) || loaderMessage.Contains("Cannot allocate memory", StringComparison.Ordinal))
        {
            string limit = ProcessLimits.AddressSpaceBytes is long bytes ? $"this process may map only {bytes >> 20} MiB (ulimit -v {bytes >> 10})" : "this process may not map more memory";
            return new NativeRuntimeException(NativeRuntimeFailure.MemoryLimit, $"cannot load {name}: out of address space: {limit}, and libtorch's libraries alone take about 1 GiB of it.", inner: inner);
        }

        string detail = LoaderDetail(loaderMessage);
        return new NativeRuntimeException(NativeRuntimeFailure.LoadFailed, $"cannot load {name}: {detail}", inner: inner);
    }

    /// <summary>Where this build keeps libLibTorchSharp, or null where it is left to the loader's search.</summary>
    public static string? FindLibTorchSharp()
    {
        string file = OperatingSystem.IsWindows() ? "LibTorchSharp.dll"
            : OperatingSystem.IsMacOS() ? "libLibTorchSharp.dylib"
            : "libLibTorchSharp.so";
        string baseDir = AppContext.BaseDirectory;
        string[] candidates =
        [
            Path.Combine(baseDir, file),
            Path.Combine(baseDir, "runtimes", RuntimeInformation.RuntimeIdentifier, "native", file),
            Path.Combine(baseDir, "runtimes", PortableRid(), "native", file),
        ];
        return candidates.FirstOrDefault(File.Exists);
    }

    private static string PortableRid()
    {
        string os = OperatingSystem.IsWindows() ? "win" : OperatingSystem.IsMacOS() ? "osx" : "linux";
        string arch = RuntimeInformation.OSArchitecture.ToString().ToLowerInvariant();
        return $"{os}-{arch}";
    }

    // The .NET runtime prefixes the loader's message with advice about strace and LD_DEBUG; keep the loader's part.
    private static string LoaderDetail(string message)
    {
        string[] lines = message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return lines.Length > 1 ? lines[^1] : message.Trim();
    }


    [GeneratedRegex(@"(?<lib>\S+): version [`'](?<symbol>(GLIBCXX|GLIBC|CXXABI)_[0-9.]+)' not found")]
    private static partial Regex MissingVersion();

    [GeneratedRegex(@"(?<lib>[^\s:]+): cannot open shared object file")]
    private static partial Regex MissingFile();
}

/// <summary>What loading TorchSharp's native side found: for `addmlp info` and the CUDA diagnosis.</summary>
/// <param name="Failure">Why libtorch cannot be used, or null once it is loaded.</param>
/// <param name="Libtorch">The libtorch the external backend chose (null for builds that bring their own, and where none was found).</param>
/// <param name="ShimLibtorchVersion">The libtorch version TorchSharp's shim was compiled against, e.g. "2.10.0".</param>
/// <param name="CudaProblem">Why the external libtorch's CUDA libraries did not load, in the loader's words; null where they did or there are none.</param>
public sealed record LibtorchLoad(NativeRuntimeException? Failure, LibtorchInstall? Libtorch, string? ShimLibtorchVersion, string? CudaProblem)
{
    /// <summary>Whether the external libtorch is the major.minor the shim was built for; null where there is no external libtorch.</summary>
    public bool? ShimMatches => Libtorch is null || ShimLibtorchVersion is null
        ? null
        : LibtorchInstall.MajorMinor(Libtorch.Version) == LibtorchInstall.MajorMinor(ShimLibtorchVersion);
}
