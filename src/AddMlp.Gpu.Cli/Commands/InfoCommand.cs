using System.CommandLine;

namespace AddMlp.Gpu.Cli;

/// <summary>`addmlp info`: what addmlp runs on. The first command to run when something is wrong.</summary>
public static class InfoCommand
{
    public static Command Create(CliContext context)
    {
        var json = new Option<bool>("--json") { Description = "Print the report as JSON" };
        var command = new Command("info", "Show versions, backend, CUDA and GPUs, threads, the libstdc++ check and where files go; exits 3 if libtorch cannot load.\n\nExample: addmlp info --json")
        {
            json,
        };
        command.SetAction(parse =>
        {
            EnvironmentReport report = EnvironmentReport.Collect(ModelFile.DefaultPath, LossCurveFile.DefaultPath, Failures.Remedy);
            if (parse.GetValue(json))
                context.Out.WriteLine(CliJson.Serialize(report));
            else
                Print(context.Out, report);
            return report.NativeRuntimeLoaded ? ExitCodes.Ok : ExitCodes.Environment;
        });
        return command;
    }

    private static void Print(TextWriter o, EnvironmentReport r)
    {
        void Row(string name, string value) => o.WriteLine($"{name,-16}{value}");

        Row("addmlp", r.Addmlp);
        Row("TorchSharp", r.Torchsharp);
        Row("libtorch", LibtorchLine(r));
        Row("shim", ShimLine(r));
        Row("backend", $"{EnumNames<TorchBackend>.Of(r.Backend)} (TorchBackend at build time)");
        Row("native runtime", r.NativeRuntimeLoaded ? "loaded" : $"FAILED: {r.NativeRuntimeProblem} Fix: {r.NativeRuntimeFix}");
        Row("CUDA", r.CudaAvailable ? $"available, {r.CudaDevices} device(s)" : $"unavailable: {r.CudaUnavailableReason}");
        Row("GPUs", r.Gpus.Count == 0 ? "none seen by the NVIDIA driver" : string.Join("; ", r.Gpus.Select((g, i) => $"{i}: {g}")));
        Row("CPU threads", $"{(r.TorchThreads is int t ? $"{t} (libtorch intra-op)" : "unknown")}, {r.LogicalCores} logical cores");
        Row("libstdc++", r.Libstdcxx is null ? "not found" : $"{r.Libstdcxx}: GLIBCXX_3.4.32 {(r.LibstdcxxHasGlibcxx3432 == true ? "present" : "MISSING (run scripts/bootstrap)")}");
        Row("OS", r.Os);
        Row("allocator", r.AllocatorPreloaded ? r.Allocator : $"{r.Allocator} (scripts/addmlp preloads jemalloc: faster start-up and large runs)");
        Row("model file", $"{r.DefaultModel}{(File.Exists(r.DefaultModel) ? " (exists)" : "")}");
        Row("loss curve", $"{r.DefaultLossCurve}{(File.Exists(r.DefaultLossCurve) ? " (exists)" : "")}");
    }

    private static string LibtorchLine(EnvironmentReport r)
    {
        string path = r.LibtorchPath is null ? "" : $", {r.LibtorchPath}";
        if (r.LibtorchPackage is not null)
            return $"{r.LibtorchPackage} (bundled){path}";
        if (r.LibtorchDirectory is null)
            return "none found (TorchBackend=external: set ADDMLP_LIBTORCH to libtorch's lib folder)";
        string cuda = r.LibtorchCuda is null ? "no CUDA" : $"CUDA {r.LibtorchCuda}";
        return $"{r.LibtorchVersion} ({cuda}) in {r.LibtorchDirectory}, from {r.LibtorchFoundBy}";
    }

    private static string ShimLine(EnvironmentReport r)
    {
        string builtFor = $"TorchSharp's libLibTorchSharp, built for libtorch {r.ShimLibtorchVersion ?? "(unrecorded)"}";
        return r.ShimMatchesLibtorch switch
        {
            true => $"{builtFor}: matches",
            false => $"{builtFor}: DOES NOT MATCH libtorch {r.LibtorchVersion} (scripts/build-shim builds one for it)",
            null => builtFor,
        };
    }
}
