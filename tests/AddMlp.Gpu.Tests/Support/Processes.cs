using System.Diagnostics;
using System.Globalization;

namespace AddMlp.Gpu.Tests;

/// <summary>Waiting on and signalling an addmlp that runs in the background.</summary>
public static class Processes
{
    /// <summary>Reads stderr until a line starts with <paramref name="prefix"/> (at most 60 s).</summary>
    public static void WaitForStderrLine(Process process, string prefix)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            string? line = process.StandardError.ReadLine();
            if (line is null)
                Assert.Fail($"addmlp ended (exit {process.ExitCode}) before printing '{prefix}'");
            if (line.StartsWith(prefix, StringComparison.Ordinal))
                return;
        }
        Assert.Fail($"no '{prefix}' line within 60 s");
    }

    /// <summary>Sends a signal by name (INT, TERM, HUP).</summary>
    public static void Signal(Process process, string signal)
    {
        using Process kill = Process.Start("kill", ["-" + signal, process.Id.ToString(CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }
}

/// <summary>
/// The addmlp runs a test starts in the background: any still running when the test ends (it failed
/// before they were stopped) is killed, so that a failed test leaves no run behind to slow the others.
/// Only the processes started here, recognised by their id and start time, never another that took the id.
/// </summary>
public sealed class BackgroundRuns : IDisposable
{
    private readonly List<(int Id, DateTime Started)> _started = [];

    public Process Start(ProcessStartInfo start)
    {
        Process process = Process.Start(start)!;
        _started.Add((process.Id, process.StartTime));
        return process;
    }

    public void Dispose()
    {
        foreach (var (id, started) in _started)
        {
            try
            {
                using Process process = Process.GetProcessById(id);
                if (process.StartTime == started && !process.HasExited)
                    process.Kill(entireProcessTree: true);
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
            {
                // it has exited (and been reaped) already
            }
        }
    }
}
