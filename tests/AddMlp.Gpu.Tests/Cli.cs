using System.Diagnostics;

namespace AddMlp.Gpu.Tests;

/// <summary>What one run of the real `addmlp` executable did.</summary>
public sealed record CliResult(int ExitCode, string StdOut, string StdErr)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{StdOut}\n--- stderr\n{StdErr}";
}

/// <summary>Runs the real `addmlp` (built beside the tests) as a separate process.</summary>
public static class Cli
{
    /// <summary>The addmlp.dll built with the tests (the test project references the CLI project).</summary>
    public static string Dll { get; } = Path.Combine(AppContext.BaseDirectory, "addmlp.dll");

    public static CliResult Run(string workingDirectory, params string[] args) => RunDll(Dll, workingDirectory, args);

    public static CliResult RunDll(string dll, string workingDirectory, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(dll);
        foreach (string arg in args)
            start.ArgumentList.Add(arg);

        using var process = Process.Start(start)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(3)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"addmlp {string.Join(' ', args)} did not finish in 3 minutes");
        }
        return new CliResult(process.ExitCode, stdout.Result, stderr.Result);
    }
}
