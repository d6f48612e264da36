using System.Text.Json;

namespace AddMlp.Gpu.Tests;

/// <summary>`addmlp info` tells what addmlp runs on.</summary>
public sealed class InfoTests
{
    [WithoutCudaFact]
    public void Info_reports_versions_backend_cuda_threads_and_the_libstdcxx_check()
    {
        using var dir = new TempDir();
        CliResult result = Cli.Run(dir.Path, "info");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("TorchSharp      0.107.0", result.StdOut);
        Assert.Contains("libtorch        libtorch-cpu-linux-x64 2.10.0", result.StdOut);
        Assert.Contains("backend         cpu", result.StdOut);
        Assert.Contains("native runtime  loaded", result.StdOut);
        Assert.Contains("CUDA            unavailable: this build uses the CPU-only libtorch", result.StdOut);
        Assert.Contains($"{Environment.ProcessorCount} logical cores", result.StdOut);
        Assert.Contains("GLIBCXX_3.4.32 present", result.StdOut);
        Assert.Contains($"model file      {Path.Combine(dir.Path, "addmlp-model.json")}", result.StdOut);
    }

    [WithoutCudaFact]
    public void Info_json_is_machine_readable()
    {
        using var dir = new TempDir();
        CliResult result = Cli.Run(dir.Path, "info", "--json");

        Assert.Equal(0, result.ExitCode);
        using JsonDocument json = JsonDocument.Parse(result.StdOut);
        JsonElement r = json.RootElement;
        Assert.Equal("0.107.0", r.GetProperty("torchsharp").GetString());
        Assert.Equal("cpu", r.GetProperty("backend").GetString());
        Assert.True(r.GetProperty("native_runtime_loaded").GetBoolean());
        Assert.False(r.GetProperty("cuda_available").GetBoolean());
        Assert.Equal(0, r.GetProperty("cuda_devices").GetInt32());
        Assert.True(r.GetProperty("torch_threads").GetInt32() >= 1);
        Assert.True(r.GetProperty("libstdcxx_has_glibcxx3432").GetBoolean());
    }

    [WithoutCudaFact]
    public void One_version_in_version_info_info_json_and_the_model_file()
    {
        string declared = System.Text.RegularExpressions.Regex.Match(File.ReadAllText(Repo.File("Directory.Build.props")), "<Version>([^<]+)</Version>").Groups[1].Value;
        using var dir = new TempDir();

        Assert.Equal(declared, Cli.Run(dir.Path, "--version").StdOut.Trim());
        Assert.Contains($"addmlp          {declared}\n", Cli.Run(dir.Path, "info").StdOut);
        using (JsonDocument info = JsonDocument.Parse(Cli.Run(dir.Path, "info", "--json").StdOut))
            Assert.Equal(declared, info.RootElement.GetProperty("addmlp").GetString());
        Assert.Equal(0, Cli.Run(dir.Path, "train", "--quiet", "--epochs", "2").ExitCode);
        using JsonDocument model = JsonDocument.Parse(File.ReadAllText(dir.File("addmlp-model.json")));
        Assert.Equal(declared, model.RootElement.GetProperty("training").GetProperty("addmlp").GetString());
    }
}
