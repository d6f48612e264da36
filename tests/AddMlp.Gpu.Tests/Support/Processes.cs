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
