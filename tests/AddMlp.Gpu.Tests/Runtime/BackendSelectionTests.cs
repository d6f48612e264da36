using System.Diagnostics;
using System.Text.Json;

namespace AddMlp.Gpu.Tests;

/// <summary>
/// TorchBackend picks the libtorch package. The CUDA packages are not served here, so the logic is
/// checked by evaluating the project (no restore), which is what a restore would act on.
/// </summary>
public sealed class BackendSelectionTests
{
    private static readonly string Library = Repo.File("src", "AddMlp.Gpu", "AddMlp.Gpu.csproj");

    [Theory]
    [InlineData("cpu", "", "TorchSharp,libtorch-cpu-linux-x64")]
    [InlineData("cpu", "win-x64", "TorchSharp,libtorch-cpu-win-x64")]
    [InlineData("cpu", "osx-arm64", "TorchSharp,libtorch-cpu-osx-arm64")]
    [InlineData("cuda", "linux-x64", "TorchSharp-cuda-linux")]
    [InlineData("cuda", "win-x64", "TorchSharp-cuda-windows")]
    [InlineData("external", "", "TorchSharp")]
    [InlineData("external", "win-x64", "TorchSharp")]
    public void Backend_references_exactly_its_packages(string backend, string rid, string packages)
    {
        Assert.Equal(packages.Split(','), TorchPackages(backend, rid));
    }

    [Fact]
    public void Cuda_on_a_linux_host_without_a_runtime_identifier_takes_the_linux_package()
    {
        Assert.True(OperatingSystem.IsLinux(), "this test describes a Linux host");
        Assert.Equal(["TorchSharp-cuda-linux"], TorchPackages("cuda", ""));
    }

    [Fact]
    public void Auto_takes_cuda_only_where_an_nvidia_driver_is_present()
    {
        string[] expected = File.Exists("/proc/driver/nvidia/version") ? ["TorchSharp-cuda-linux"] : ["TorchSharp", "libtorch-cpu-linux-x64"];
        Assert.Equal(expected, TorchPackages("auto", ""));
        Assert.Equal(expected, TorchPackages("", ""));
    }

    [Fact]
    public void An_unknown_backend_fails_the_build_with_a_message()
    {
        (int exit, string output) = MsBuild(Library, "-t:CheckTorchBackend", "-p:TorchBackend=rocm", "-nologo");
        Assert.NotEqual(0, exit);
        Assert.Contains("TorchBackend='rocm' is not one of auto, cpu, cuda, external", output);
    }

    private static string[] TorchPackages(string backend, string rid)
    {
        var args = new List<string> { Library, "-getItem:PackageReference" };
        if (backend != "")
            args.Add($"-p:TorchBackend={backend}");
        if (rid != "")
            args.Add($"-p:RuntimeIdentifier={rid}");
        (int exit, string output) = MsBuild([.. args]);
        Assert.True(exit == 0, output);
        using JsonDocument json = JsonDocument.Parse(output);
        return json.RootElement.GetProperty("Items").GetProperty("PackageReference").EnumerateArray()
            .Select(item => item.GetProperty("Identity").GetString()!)
            .Where(name => name == "TorchSharp" || name.StartsWith("TorchSharp-", StringComparison.Ordinal) || name.StartsWith("libtorch-", StringComparison.Ordinal)) // the libtorch flavour, not TorchSharp.PyBridge
            .ToArray();
    }

    private static (int Exit, string Output) MsBuild(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("msbuild");
        foreach (string arg in args)
            start.ArgumentList.Add(arg);
        start.Environment.Remove("TorchBackend"); // the test names the backend itself
        using var process = Process.Start(start)!;
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, stdout + stderr.Result);
    }
}
