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
    private static readonly Lazy<Exception?> LoadFailure = new(TryLoad, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The TorchSharp version this build runs on, e.g. "0.107.0".</summary>
    public static string TorchSharpVersion { get; } = InformationalVersion(typeof(torch).Assembly);

    /// <summary>The libtorch flavour this build ships with: cpu, cuda or external (MSBuild TorchBackend).</summary>
    public static string Backend { get; } = BuildMetadata("TorchBackend") ?? "unknown";

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
        s_loadStarted = true;
        ThreadPool.UnsafeQueueUserWorkItem(_ => _ = LoadFailure.Value, null);
    }

    private static volatile bool s_loadStarted;

    /// <summary>True once libtorch has been loaded in this process.</summary>
    public static bool IsLoaded => LoadFailure.IsValueCreated && LoadFailure.Value is null;

    /// <summary>
    /// True once loading libtorch has begun, finished or not. A process that exits normally while
    /// another thread is still inside libtorch's loader runs libtorch's static destructors against its
    /// half-run initialisers and aborts ("Tried to register multiple backend fallbacks"), so such a
    /// process must end with _exit (see the CLI's FastExit).
    /// </summary>
    public static bool LoadStarted => s_loadStarted;

    /// <summary>Makes sure libtorch is loaded; throws <see cref="NativeRuntimeException"/> if it cannot be.</summary>
    public static void EnsureLoaded()
    {
        s_loadStarted = true;
        if (LoadFailure.Value is { } failure)
            throw failure;
    }

    private static Exception? TryLoad()
    {
        string? library = FindLibTorchSharp();
        if (library is not null)
        {
            try
            {
                NativeLibrary.Load(library);
            }
            catch (DllNotFoundException e)
            {
                return Diagnose(library, e.Message, e);
            }
            catch (BadImageFormatException e)
            {
                return Diagnose(library, e.Message, e);
            }
        }

        try
        {
            torch.InitializeDeviceType(DeviceType.CPU);
            return null;
        }
        catch (Exception e)
        {
            string first = (e.InnerException ?? e).Message.Split('\n', 2)[0].Trim();
            return new NativeRuntimeException(
                $"TorchSharp {TorchSharpVersion} could not load libtorch: {first}",
                "run scripts/bootstrap, then rebuild; with TorchBackend=external put libtorch's lib folder on LD_LIBRARY_PATH",
                e);
        }
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
                $"cannot load {name}: {provider} lacks {symbol} (TorchSharp {TorchSharpVersion} needs {needs}).",
                "run scripts/bootstrap (on Debian 12 it installs Debian 13's libstdc++6), or use a distribution with GCC 13+ libstdc++ (Debian 13, Ubuntu 24.04).",
                inner);
        }

        Match missing = MissingFile().Match(loaderMessage);
        if (missing.Success)
        {
            return new NativeRuntimeException(
                $"cannot load {name}: {missing.Groups["lib"].Value} was not found.",
                "rebuild addmlp (scripts/addmlp does it); with TorchBackend=external put libtorch's lib folder (e.g. a PyTorch install's torch/lib) on LD_LIBRARY_PATH.",
                inner);
        }

        string detail = LoaderDetail(loaderMessage);
        return new NativeRuntimeException(
            $"cannot load {name}: {detail}",
            "rebuild addmlp (scripts/addmlp does it) and run scripts/bootstrap.",
            inner);
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

    private static string InformationalVersion(Assembly assembly)
    {
        string? v = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
        if (string.IsNullOrEmpty(v))
            return assembly.GetName().Version?.ToString(3) ?? "unknown";
        int plus = v.IndexOf('+', StringComparison.Ordinal);
        return plus < 0 ? v : v[..plus];
    }

    [GeneratedRegex(@"(?<lib>\S+): version [`'](?<symbol>(GLIBCXX|GLIBC|CXXABI)_[0-9.]+)' not found")]
    private static partial Regex MissingVersion();

    [GeneratedRegex(@"(?<lib>[^\s:]+): cannot open shared object file")]
    private static partial Regex MissingFile();
}
