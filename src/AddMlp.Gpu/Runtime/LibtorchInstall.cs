using System.ComponentModel;
using System.Diagnostics;
using System.Text.RegularExpressions;

namespace AddMlp.Gpu;

/// <summary>
/// A libtorch on this machine, outside addmlp: a PyTorch install's torch/lib, a libtorch
/// distribution's lib, or a NuGet libtorch package's native folder. What the external backend runs on.
/// </summary>
/// <param name="LibDirectory">The folder holding libtorch.so, libtorch_cpu.so and libc10.so.</param>
/// <param name="Version">libtorch's version as its install spells it, e.g. "2.11.0+cu130".</param>
/// <param name="CudaVersion">The CUDA version it was built for, e.g. "13.0"; null for a CPU-only libtorch or where it cannot be told.</param>
/// <param name="FoundBy">How it was chosen: "ADDMLP_LIBTORCH" or "python3's torch".</param>
public sealed partial record LibtorchInstall(string LibDirectory, string Version, string? CudaVersion, string FoundBy)
{
    /// <summary>The environment variable that names libtorch's lib folder for the external backend.</summary>
    public const string EnvironmentVariable = "ADDMLP_LIBTORCH";

    /// <summary>True where this libtorch has its CUDA half (libtorch_cuda.so).</summary>
    public bool HasCuda => FindLibrary(LibDirectory, "libtorch_cuda") is not null;

    /// <summary>
    /// The libtorch named by ADDMLP_LIBTORCH or, where that is unset, python3's torch. Throws
    /// <see cref="NativeRuntimeException"/> naming what is missing when there is none, or when its version
    /// cannot be told (a libtorch of unknown version is never run: see <see cref="NativeRuntime"/>).
    /// </summary>
    public static LibtorchInstall Locate()
    {
        string? named = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(named))
            return At(named, EnvironmentVariable);

        string? python = PythonTorchLib();
        if (python is null)
        {
            throw new NativeRuntimeException(
                NativeRuntimeFailure.LibtorchNotFound,
                $"this addmlp (TorchBackend=external) brings no libtorch, {EnvironmentVariable} is not set, and python3 has no torch package.");
        }
        return At(python, "python3's torch");
    }

    /// <summary>The libtorch in <paramref name="directory"/> (its lib folder, or the folder above it).</summary>
    public static LibtorchInstall At(string directory, string foundBy)
    {
        string dir = Path.GetFullPath(directory);
        if (!Directory.Exists(dir))
            throw new NativeRuntimeException(NativeRuntimeFailure.NotALibtorchFolder, $"{foundBy}: {dir} is not a folder.");
        if (FindLibrary(dir, "libtorch_cpu") is null && FindLibrary(Path.Combine(dir, "lib"), "libtorch_cpu") is not null)
            dir = Path.Combine(dir, "lib");
        string[] missing = [.. new[] { "libtorch", "libtorch_cpu", "libc10" }.Where(stem => FindLibrary(dir, stem) is null)];
        if (missing.Length > 0)
        {
            throw new NativeRuntimeException(
                NativeRuntimeFailure.NotALibtorchFolder, $"{foundBy}: {dir} holds no libtorch ({string.Join(", ", missing.Select(m => m + ".so"))} missing).");
        }
        (string? version, string? cuda) = ReadVersion(dir);
        if (version is null)
        {
            throw new NativeRuntimeException(
                NativeRuntimeFailure.UnknownLibtorchVersion,
                $"{foundBy}: cannot tell which libtorch version {dir} holds (no build-version or version.py beside it, no NuGet package around it, no version in its file names), and a TorchSharp shim runs only on the version it was built for.");
        }
        return new LibtorchInstall(dir, version, cuda, foundBy);
    }

    /// <summary>"2.11" of "2.11.0+cu130": the part of a version that a shim and its libtorch must share.</summary>
    public static string MajorMinor(string version)
    {
        Match m = MajorMinorPattern().Match(version);
        return m.Success ? m.Value : version;
    }

    /// <summary>
    /// libtorch's version and CUDA version as the install records them: a libtorch distribution's
    /// build-version, a PyTorch install's version.py, a NuGet package's nuspec, or a versioned file name
    /// (libtorch_cpu.so.2.6, as Debian ships it). Null where none of these is there.
    /// </summary>
    public static (string? Version, string? Cuda) ReadVersion(string libDirectory)
    {
        string parent = Path.GetDirectoryName(libDirectory) ?? libDirectory;

        string buildVersion = Path.Combine(parent, "build-version");
        if (File.Exists(buildVersion) && File.ReadLines(buildVersion).FirstOrDefault()?.Trim() is { Length: > 0 } v)
            return (v, CudaFromLocalVersion(v));

        string versionPy = Path.Combine(parent, "version.py");
        if (File.Exists(versionPy))
        {
            string text = File.ReadAllText(versionPy);
            Match version = PythonVersion().Match(text);
            Match cuda = PythonCuda().Match(text);
            if (version.Success)
                return (version.Groups["v"].Value, cuda.Success ? cuda.Groups["v"].Value : CudaFromLocalVersion(version.Groups["v"].Value));
        }

        // NuGet: <packages>/<id>/<version>/runtimes/<rid>/native, the id's .nuspec in <version>.
        DirectoryInfo? packageVersion = new DirectoryInfo(libDirectory).Parent?.Parent?.Parent;
        if (packageVersion is not null && packageVersion.Exists
            && packageVersion.GetFiles("libtorch-*.nuspec").FirstOrDefault() is FileInfo nuspec)
        {
            Match cuda = NuGetCuda().Match(nuspec.Name);
            return (packageVersion.Name, cuda.Success ? cuda.Groups["v"].Value : null);
        }

        string? versioned = Directory.EnumerateFiles(libDirectory, "libtorch_cpu.so.*").Select(Path.GetFileName).FirstOrDefault();
        if (versioned is not null && SonameVersion().Match(versioned) is { Success: true } so)
            return (so.Groups["v"].Value, null);

        return (null, null);
    }

    /// <summary>The file of a shared library in <paramref name="directory"/>: stem.so, else stem.so.VERSION.</summary>
    public static string? FindLibrary(string directory, string stem)
    {
        if (!Directory.Exists(directory))
            return null;
        string plain = Path.Combine(directory, stem + ".so");
        if (File.Exists(plain))
            return plain;
        return Directory.EnumerateFiles(directory, stem + ".so.*").Order(StringComparer.Ordinal).FirstOrDefault();
    }

    // "2.11.0+cu130" -> "13.0"; "2.10.0+cpu" -> null.
    private static string? CudaFromLocalVersion(string version)
    {
        Match m = LocalCuda().Match(version);
        return m.Success ? $"{m.Groups["major"].Value}.{m.Groups["minor"].Value}" : null;
    }

    /// <summary>
    /// python3's torch/lib, found without importing torch (importing it takes seconds): null where there
    /// is no python3 or it has no torch.
    /// </summary>
    private static string? PythonTorchLib()
    {
        const string script = "import importlib.util as u, os\ns = u.find_spec('torch')\nprint(os.path.join(s.submodule_search_locations[0], 'lib') if s and s.submodule_search_locations else '')";
        var start = new ProcessStartInfo("python3")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(script);
        try
        {
            using Process process = Process.Start(start)!;
            process.StandardInput.Close();
            Task<string> output = process.StandardOutput.ReadToEndAsync();
            _ = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(TimeSpan.FromSeconds(20)))
            {
                process.Kill();
                return null;
            }
            string lib = output.Result.Trim();
            return process.ExitCode == 0 && lib.Length > 0 ? lib : null;
        }
        catch (Win32Exception)
        {
            return null; // no python3 on PATH
        }
    }

    [GeneratedRegex(@"^\d+\.\d+")]
    private static partial Regex MajorMinorPattern();

    [GeneratedRegex(@"^__version__\s*=\s*['""](?<v>[^'""]+)['""]", RegexOptions.Multiline)]
    private static partial Regex PythonVersion();

    [GeneratedRegex(@"^cuda(\s*:[^=]*)?\s*=\s*['""](?<v>[^'""]+)['""]", RegexOptions.Multiline)]
    private static partial Regex PythonCuda();

    [GeneratedRegex(@"\+cu(?<major>\d+)(?<minor>\d)$")]
    private static partial Regex LocalCuda();

    [GeneratedRegex(@"-cuda-(?<v>\d+\.\d+)-")]
    private static partial Regex NuGetCuda();

    [GeneratedRegex(@"\.so\.(?<v>\d+\.\d+(\.\d+)?)$")]
    private static partial Regex SonameVersion();
}
