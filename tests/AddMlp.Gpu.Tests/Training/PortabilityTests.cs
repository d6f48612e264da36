using System.Text.RegularExpressions;

namespace AddMlp.Gpu.Tests;

/// <summary>
/// The same seed and options give the same bytes on every x86-64 processor. A process can be made to take
/// another processor's code paths: ATEN_CPU_CAPABILITY picks libtorch's kernels (default: no AVX, no FMA;
/// avx2; avx512) and MKL_CBWR picks MKL's (COMPATIBLE, AVX2, AVX512). Under every one of them, alone and
/// combined, five runs that between them take every portable kernel — the tutorial, a tanh MLP, 1e5
/// samples, minibatches with AdamW, and a noisy, wide-range GELU run under the cosine schedule — write the
/// same model file and loss curve, byte for byte (but for the run's duration and time stamp).
/// </summary>
public sealed partial class PortabilityTests
{
    /// <summary>The kernel choices a process can be given here: with none, then each alone, then combined.</summary>
    private static readonly Dictionary<string, string?>[] KernelChoices =
    [
        [],
        new() { ["ATEN_CPU_CAPABILITY"] = "default" },
        new() { ["ATEN_CPU_CAPABILITY"] = "avx2" },
        new() { ["ATEN_CPU_CAPABILITY"] = "avx512" },
        new() { ["MKL_CBWR"] = "COMPATIBLE" },
        new() { ["MKL_CBWR"] = "AVX2" },
        new() { ["MKL_CBWR"] = "AVX512" },
        new() { ["ATEN_CPU_CAPABILITY"] = "default", ["MKL_CBWR"] = "COMPATIBLE" },
        new() { ["ATEN_CPU_CAPABILITY"] = "avx2", ["MKL_CBWR"] = "AVX2" },
    ];

    [Theory]
    [InlineData("tutorial", "")]
    [InlineData("mlp", "--hidden 16,16 --activation tanh --epochs 300 --lr 0.01")]
    [InlineData("1e5 samples", "--samples 100000 --epochs 60")]
    [InlineData("minibatch adamw", "--optimizer adamw --batch-size 64 --epochs 12 --hidden 8")]
    [InlineData("noisy wide cosine", "--noise 0.5 --range -100:100 --lr-schedule cosine --hidden 8 --activation gelu --epochs 150 --lr 0.01")]
    public void Every_kernel_choice_writes_the_same_files(string run, string options)
    {
        string[] args = ["train", "--quiet", .. options.Split(' ', StringSplitOptions.RemoveEmptyEntries)];
        string? first = null;
        foreach (Dictionary<string, string?> choice in KernelChoices)
        {
            string files = Files(choice, args);
            first ??= files;
            Assert.True(first == files, $"{run}: the files written under {Describe(choice)} differ from those written with no kernel choice");
        }
    }

    /// <summary>
    /// The kernel choices do reach libtorch and MKL: with libtorch's own (native) kernels an MLP's bits change
    /// under at least one of them. Without this, the test above could pass by their being ignored.
    /// </summary>
    [Fact]
    public void Native_kernels_give_other_bits_under_another_kernel_choice()
    {
        string[] args = ["train", "--quiet", "--kernels", "native", "--hidden", "16,16", "--epochs", "100"];
        string unchosen = Files([], args);
        Assert.Contains(KernelChoices.Skip(1), choice => Files(choice, args) != unchosen);
    }

    /// <summary>The model file and the loss curve a run writes, less the fields that say when and how long.</summary>
    private static string Files(Dictionary<string, string?> environment, string[] args)
    {
        using var dir = new TempDir();
        CliResult result = Cli.Run(environment, dir.Path, args);
        Assert.True(result.ExitCode == 0, $"under {Describe(environment)}: {result}");
        return Timeless().Replace(File.ReadAllText(dir.File("addmlp-model.json")), "") + File.ReadAllText(dir.File("addmlp-loss.json"));
    }

    private static string Describe(Dictionary<string, string?> environment) =>
        environment.Count == 0 ? "no kernel choice" : string.Join(" ", environment.Select(e => $"{e.Key}={e.Value}"));

    [GeneratedRegex("\"(elapsed_ms|finished_utc)\": [^,\n]*")]
    private static partial Regex Timeless();
}
