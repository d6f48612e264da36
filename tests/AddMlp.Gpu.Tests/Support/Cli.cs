using System.Diagnostics;

namespace AddMlp.Gpu.Tests;

/// <summary>What one run of the real `addmlp` executable did.</summary>
public sealed record CliResult(int ExitCode, string StdOut, string StdErr)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{StdOut}\n--- stderr\n{StdErr}";

    /// <summary>stdout with train's summary rows unwrapped (it wraps a row's value at 80 columns, under a 12-column label).</summary>
    public string SummaryUnwrapped => StdOut.Replace("\n            ", " ", StringComparison.Ordinal);
}

/// <summary>
/// Runs the real `addmlp` as a separate process: the command in ADDMLP_TEST_EXE when set (scripts/test
/// sets it to scripts/addmlp, which runs the Native AOT build as users do), else the addmlp.dll built
/// beside the tests, under `dotnet`.
/// </summary>
public static class Cli
{
    /// <summary>The addmlp.dll built with the tests (the test project references the CLI project).</summary>
    public static string Dll { get; } = Path.Combine(AppContext.BaseDirectory, "addmlp.dll");

    /// <summary>The command that runs addmlp, if not the built dll (see the class summary).</summary>
    public static string? Exe { get; } = Environment.GetEnvironmentVariable("ADDMLP_TEST_EXE") is { Length: > 0 } exe ? exe : null;

    /// <summary>The program and leading arguments that run addmlp.</summary>
    public static string[] Command => Exe is string exe ? [exe] : ["dotnet", Dll];

    public static CliResult Run(string workingDirectory, params string[] args) => Run(Start(workingDirectory, args), args);

    /// <summary>Runs a copy of addmlp.dll under `dotnet` (JIT build).</summary>
    public static CliResult RunDll(string dll, string workingDirectory, params string[] args) =>
        Run(Start(["dotnet", dll], workingDirectory, args), args);

    /// <summary>Runs an addmlp executable given by path.</summary>
    public static CliResult RunExe(string exe, string workingDirectory, params string[] args) =>
        Run(Start([exe], workingDirectory, args), args);

    /// <summary>Runs an addmlp executable given by path with these environment variables set (null: removed).</summary>
    public static CliResult RunExe(string exe, IReadOnlyDictionary<string, string?> environment, string workingDirectory, params string[] args) =>
        Run(WithEnvironment(Start([exe], workingDirectory, args), environment), args);

    /// <summary>Runs addmlp with these environment variables set (null: removed).</summary>
    public static CliResult Run(IReadOnlyDictionary<string, string?> environment, string workingDirectory, params string[] args) =>
        Run(WithEnvironment(Start(workingDirectory, args), environment), args);

    private static ProcessStartInfo WithEnvironment(ProcessStartInfo start, IReadOnlyDictionary<string, string?> environment)
    {
        foreach ((string name, string? value) in environment)
        {
            if (value is null)
                start.Environment.Remove(name);
            else
                start.Environment[name] = value;
        }
        return start;
    }

    /// <summary>
    /// Runs a shell script in which $ADDMLP is the command that runs addmlp (unquoted: it may be two words),
    /// for pipes into and out of it.
    /// </summary>
    public static CliResult Shell(string workingDirectory, string script)
    {
        ProcessStartInfo start = Start(["/bin/sh"], workingDirectory, ["-c", script]);
        start.Environment["ADDMLP"] = string.Join(' ', Command);
        return Run(start, ["sh", "-c", script]);
    }

    /// <summary>Start information for addmlp with <paramref name="args"/>, output redirected.</summary>
    public static ProcessStartInfo Start(string workingDirectory, params string[] args) => Start(Command, workingDirectory, args);

    private static ProcessStartInfo Start(string[] command, string workingDirectory, string[] args)
    {
        var start = new ProcessStartInfo(command[0])
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string arg in command.Skip(1).Concat(args))
            start.ArgumentList.Add(arg);
        return start;
    }

    /// <summary>
    /// Starts the process; an executable a test has just copied can be "busy" (ETXTBSY) for a moment: a
    /// process another test forks in the meantime holds the copy's write handle until it execs, so the
    /// start is tried again for up to a second.
    /// </summary>
    private static Process StartRetryingBusyText(ProcessStartInfo start)
    {
        const int TextFileBusy = 26; // ETXTBSY
        for (int attempt = 0; ; attempt++)
        {
            try
            {
                return Process.Start(start)!;
            }
            catch (System.ComponentModel.Win32Exception e) when (e.NativeErrorCode == TextFileBusy && attempt < 20)
            {
                Thread.Sleep(50);
            }
        }
    }

    /// <summary>How long one run may take: 3 minutes, or ADDMLP_TEST_TIMEOUT_S seconds (to run the tests against a build that hangs).</summary>
    private static TimeSpan Timeout { get; } = TimeSpan.FromSeconds(
        int.TryParse(Environment.GetEnvironmentVariable("ADDMLP_TEST_TIMEOUT_S"), out int seconds) && seconds > 0 ? seconds : 180);

    private static CliResult Run(ProcessStartInfo start, string[] args)
    {
        using var process = StartRetryingBusyText(start);
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(Timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"addmlp {string.Join(' ', args)} did not finish in {Timeout.TotalSeconds} s");
        }
        return new CliResult(process.ExitCode, stdout.Result, stderr.Result);
    }
}
