using System.Globalization;
using System.Text.Json;

namespace AddMlp.Gpu.Tests;

/// <summary>
/// TorchBackend=external, as scripts/gpu-bundle builds it for machines with PyTorch and no dotnet: addmlp
/// runs on the libtorch named by ADDMLP_LIBTORCH (else python3's torch), loads it from there itself, and
/// refuses a libtorch of another major.minor than its TorchSharp shim was built for. Here the libtorch is
/// the CPU one NuGet restores for the cpu backend (2.10, the shim's), and Debian's PyTorch 1.13 the
/// mismatch; scripts/test builds the bundle and unpacks Debian's python3-torch.
/// </summary>
public sealed class ExternalBackendTests
{
    private static readonly string Bundle = Repo.File("artifacts", "gpu-bundle");

    [Fact]
    public void The_bundle_trains_the_tutorial_on_NuGets_libtorch_to_the_cpu_builds_loss_curve()
    {
        using var external = new TempDir();
        using var bundled = new TempDir();

        CliResult run = RunBundle(external.Path, NuGetLibtorch(), "train");
        CliResult reference = Cli.Run(bundled.Path, "train", "--device", "cpu");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.True(reference.ExitCode == 0, reference.ToString());
        Assert.Contains("Epoch: 1     loss: 1.198e+00", run.StdErr + run.StdOut);
        Assert.Contains("Epoch: 151   loss: 2.287e-07", run.StdErr + run.StdOut);
        double[] losses = LossCurve(external.File("addmlp-loss.json"));
        Assert.Equal(500, losses.Length);
        Assert.Equal(LossCurve(bundled.File("addmlp-loss.json")), losses);
    }

    [Fact]
    public void The_bundles_info_names_the_libtorch_folder_its_version_and_the_shims()
    {
        using var dir = new TempDir();
        string libtorch = NuGetLibtorch();

        CliResult text = RunBundle(dir.Path, libtorch, "info");
        CliResult json = RunBundle(dir.Path, libtorch, "info", "--json");

        Assert.True(text.ExitCode == 0, text.ToString());
        Assert.Contains($"libtorch        2.10.0 (no CUDA) in {libtorch}, from ADDMLP_LIBTORCH", text.StdOut);
        Assert.Contains("shim            TorchSharp's libLibTorchSharp, built for libtorch 2.10.0: matches", text.StdOut);
        Assert.Contains("backend         external", text.StdOut);
        Assert.Contains("native runtime  loaded", text.StdOut);
        Assert.Contains($"CUDA            unavailable: ", text.StdOut);
        using JsonDocument report = JsonDocument.Parse(json.StdOut);
        JsonElement r = report.RootElement;
        Assert.Equal(libtorch, r.GetProperty("libtorch_directory").GetString());
        Assert.Equal("2.10.0", r.GetProperty("libtorch_version").GetString());
        Assert.Equal("2.10.0", r.GetProperty("shim_libtorch_version").GetString());
        Assert.True(r.GetProperty("shim_matches_libtorch").GetBoolean());
        Assert.StartsWith(libtorch, r.GetProperty("libtorch_path").GetString());
    }

    [Fact]
    public void Debians_PyTorch_1_13_is_refused_with_exit_3_naming_both_versions_and_nothing_is_written()
    {
        string debian = Environment.GetEnvironmentVariable("ADDMLP_TEST_DEBIAN_TORCH_LIB") ?? "";
        Assert.True(Directory.Exists(debian), $"Debian's python3-torch torch/lib not found ('{debian}'): run the tests with scripts/test, which unpacks it");
        using var dir = new TempDir();
        File.WriteAllText(dir.File("addmlp-model.json"), "the model of an earlier run");

        CliResult train = RunBundle(dir.Path, debian, "train");

        Assert.Equal(3, train.ExitCode);
        string[] lines = train.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.StartsWith($"addmlp: libtorch 1.13", lines[0]);
        Assert.Contains($"in {debian} (ADDMLP_LIBTORCH) does not match this addmlp's TorchSharp shim, built for libtorch 2.10.0", lines[0]);
        Assert.StartsWith("  fix: set ADDMLP_LIBTORCH to a libtorch 2.10 lib folder, or compile a shim for 1.13", lines[1]);
        Assert.Contains($"scripts/build-shim --torchsharp-src TORCHSHARP --libtorch {debian}", lines[1]);
        Assert.Equal(["addmlp-model.json"], dir.Files());
        Assert.Equal("the model of an earlier run", File.ReadAllText(dir.File("addmlp-model.json")));
    }

    [Fact]
    public void A_folder_without_libtorch_exits_3_and_says_so()
    {
        using var dir = new TempDir();
        using var empty = new TempDir();

        CliResult train = RunBundle(dir.Path, empty.Path, "train");

        Assert.Equal(3, train.ExitCode);
        Assert.StartsWith($"addmlp: ADDMLP_LIBTORCH: {empty.Path} holds no libtorch (libtorch.so, libtorch_cpu.so, libc10.so missing).", train.StdErr);
        Assert.Contains("fix: set ADDMLP_LIBTORCH to libtorch's lib folder", train.StdErr);
        Assert.DoesNotContain("   at ", train.StdErr);
        Assert.Empty(dir.Files());
    }

    [Fact]
    public void Without_ADDMLP_LIBTORCH_it_runs_on_the_torch_that_python3_finds()
    {
        using var dir = new TempDir();
        using var bin = new TempDir();
        string torch = Directory.CreateDirectory(Path.Combine(bin.Path, "site-packages", "torch")).FullName;
        FakePython(bin.Path, torch);
        LinkLibraries(NuGetLibtorch(), Directory.CreateDirectory(Path.Combine(torch, "lib")).FullName);
        File.WriteAllText(Path.Combine(torch, "version.py"), "__version__ = '2.10.0+cpu'\ndebug = False\ncuda: Optional[str] = None\n");

        CliResult info = RunBundle(dir.Path, libtorch: null, ["info"], path: bin.Path);

        Assert.True(info.ExitCode == 0, info.ToString());
        Assert.Contains($"libtorch        2.10.0+cpu (no CUDA) in {Path.Combine(torch, "lib")}, from python3's torch", info.StdOut);
        Assert.Contains("native runtime  loaded", info.StdOut);
    }

    [Fact]
    public void Without_ADDMLP_LIBTORCH_and_without_torch_for_python3_it_exits_3_and_says_what_to_set()
    {
        using var dir = new TempDir();
        using var bin = new TempDir();
        FakePython(bin.Path, torchFolder: null);

        CliResult train = RunBundle(dir.Path, libtorch: null, ["train"], path: bin.Path);

        Assert.Equal(3, train.ExitCode);
        Assert.StartsWith("addmlp: this addmlp (TorchBackend=external) brings no libtorch, ADDMLP_LIBTORCH is not set, and python3 has no torch package.", train.StdErr);
        Assert.Contains("fix: set ADDMLP_LIBTORCH to libtorch's lib folder", train.StdErr);
        Assert.Empty(dir.Files());
    }

    [Fact]
    public void A_CUDA_library_that_does_not_load_is_named_with_the_loaders_reason()
    {
        using var dir = new TempDir();
        using var libtorch = new TempDir();
        string lib = Directory.CreateDirectory(libtorch.File("lib")).FullName; // a libtorch distribution's layout
        LinkLibraries(NuGetLibtorch(), lib);
        File.WriteAllText(libtorch.File("build-version"), "2.10.0+cu128\n");
        File.WriteAllText(Path.Combine(lib, "libtorch_cuda.so"), string.Concat(Enumerable.Repeat("not a shared library\n", 200)));

        CliResult info = RunBundle(dir.Path, libtorch.Path, "info");
        CliResult train = RunBundle(dir.Path, libtorch.Path, "train", "--device", "cuda");

        Assert.True(info.ExitCode == 0, info.ToString());
        Assert.Contains("CUDA            unavailable: libtorch_cuda.so did not load: ", info.StdOut);
        Assert.Contains("libtorch_cuda.so: invalid ELF header", info.StdOut);
        Assert.Equal(3, train.ExitCode);
        Assert.StartsWith("addmlp: --device cuda: CUDA is unavailable: libtorch_cuda.so did not load: ", train.StdErr);
        Assertions.OneLineError(train);
        Assert.Empty(dir.Files());
    }

    [Fact]
    public void A_shim_built_by_build_shim_is_held_to_the_version_recorded_beside_it()
    {
        using var app = new TempDir();
        using var dir = new TempDir();
        LinkLibraries(Bundle, app.Path);
        File.Delete(Path.Combine(app.Path, "addmlp"));
        File.Copy(Path.Combine(Bundle, "addmlp"), Path.Combine(app.Path, "addmlp"));
        File.WriteAllText(Path.Combine(app.Path, NativeRuntime.ShimVersionFile), "2.11.0\n");

        CliResult train = Cli.RunExe(Path.Combine(app.Path, "addmlp"), LibtorchEnvironment(NuGetLibtorch()), dir.Path, "train");

        Assert.Equal(3, train.ExitCode);
        Assert.Contains("libtorch 2.10.0 in ", train.StdErr);
        Assert.Contains("does not match this addmlp's TorchSharp shim, built for libtorch 2.11.0", train.StdErr);
        Assert.Empty(dir.Files());
    }

    [Theory]
    [InlineData("libtorch-cpu-linux-x64/2.10.0/runtimes/linux-x64/native", "libtorch-cpu-linux-x64.nuspec", "2.10.0", null)]
    [InlineData("libtorch-cuda-12.8-linux-x64-part1/2.10.0/runtimes/linux-x64/native", "libtorch-cuda-12.8-linux-x64-part1.nuspec", "2.10.0", "12.8")]
    public void Versions_of_NuGet_libtorch_packages_come_from_the_package_folder(string lib, string nuspec, string version, string? cuda)
    {
        using var root = new TempDir();
        string dir = Directory.CreateDirectory(Path.Combine(root.Path, lib)).FullName;
        File.WriteAllText(Path.Combine(root.Path, lib.Split('/')[0], version, nuspec), "<package/>");

        Assert.Equal((version, cuda), LibtorchInstall.ReadVersion(dir));
    }

    [Theory]
    [InlineData("__version__ = '2.11.0+cu130'\ncuda: Optional[str] = '13.0'\n", "2.11.0+cu130", "13.0")]
    [InlineData("__version__ = '1.13.0a0'\ndebug = False\ncuda = None\n", "1.13.0a0", null)]
    [InlineData("__version__ = '2.4.1+cu121'\n", "2.4.1+cu121", "12.1")]
    public void Versions_of_PyTorch_installs_come_from_torch_version_py(string versionPy, string version, string? cuda)
    {
        using var torch = new TempDir();
        string lib = Directory.CreateDirectory(Path.Combine(torch.Path, "lib")).FullName;
        File.WriteAllText(Path.Combine(torch.Path, "version.py"), versionPy);

        Assert.Equal((version, cuda), LibtorchInstall.ReadVersion(lib));
    }

    [Fact]
    public void Versions_of_libtorch_distributions_come_from_build_version()
    {
        using var libtorch = new TempDir();
        string lib = Directory.CreateDirectory(Path.Combine(libtorch.Path, "lib")).FullName;
        File.WriteAllText(Path.Combine(libtorch.Path, "build-version"), "2.10.0+cu128\n");

        Assert.Equal(("2.10.0+cu128", "12.8"), LibtorchInstall.ReadVersion(lib));
    }

    private static CliResult RunBundle(string workingDirectory, string libtorch, params string[] args) =>
        RunBundle(workingDirectory, libtorch, args, path: null);

    private static CliResult RunBundle(string workingDirectory, string? libtorch, string[] args, string? path)
    {
        string exe = Path.Combine(Bundle, "addmlp");
        Assert.True(File.Exists(exe), $"no bundle in {Bundle}: run the tests with scripts/test, which makes it with scripts/gpu-bundle");
        Dictionary<string, string?> environment = LibtorchEnvironment(libtorch);
        if (path is not null)
            environment["PATH"] = $"{path}:/usr/bin:/bin";
        return Cli.RunExe(exe, environment, workingDirectory, args);
    }

    private static Dictionary<string, string?> LibtorchEnvironment(string? libtorch) =>
        new() { [LibtorchInstall.EnvironmentVariable] = libtorch, ["LD_LIBRARY_PATH"] = null };

    /// <summary>The native folder of the libtorch-cpu package NuGet restored for the cpu backend (the one this build bundles).</summary>
    private static string NuGetLibtorch()
    {
        string package = NativeRuntime.BuildMetadata("LibtorchPackages")!.Split(';').Single(p => p.Contains("-linux-x64 ", StringComparison.Ordinal));
        string[] idAndVersion = package.Split(' ');
        string packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } configured
            ? configured
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        string dir = Path.Combine(packages, idAndVersion[0].ToLowerInvariant(), idAndVersion[1], "runtimes", "linux-x64", "native");
        Assert.True(File.Exists(Path.Combine(dir, "libtorch_cpu.so")), $"libtorch-cpu not restored in {dir}");
        return dir;
    }

    /// <summary>A python3 that answers addmlp's question (where is torch?) with <paramref name="torchFolder"/>, or with nothing.</summary>
    private static void FakePython(string bin, string? torchFolder)
    {
        string script = Path.Combine(bin, "python3");
        File.WriteAllText(script, $"#!/bin/sh\necho '{(torchFolder is null ? "" : Path.Combine(torchFolder, "lib"))}'\n");
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    /// <summary>Links every file of <paramref name="source"/> into <paramref name="target"/> (libtorch is hundreds of MB).</summary>
    private static void LinkLibraries(string source, string target)
    {
        foreach (string file in Directory.GetFiles(source))
            File.CreateSymbolicLink(Path.Combine(target, Path.GetFileName(file)), file);
    }

    private static double[] LossCurve(string file)
    {
        using JsonDocument curve = JsonDocument.Parse(File.ReadAllText(file));
        return [.. curve.RootElement.GetProperty("loss").EnumerateArray().Select(v => double.Parse(v.GetRawText(), CultureInfo.InvariantCulture))];
    }
}
