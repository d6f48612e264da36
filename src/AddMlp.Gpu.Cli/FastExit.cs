using System.Runtime.InteropServices;

namespace AddMlp.Gpu.Cli;

/// <summary>Ends the process without running shutdown: no finalizers, no native static destructors.</summary>
public static class FastExit
{
    /// <summary>
    /// Flushes stdout and stderr, then _exit()s. Used (1) at the end of a command that started loading
    /// libtorch: its static destructors take about 80 ms and have nothing left to do (every file was
    /// written and flushed to disk before), and if it is still loading (a command that failed early)
    /// they would run against half-done initialisers and abort; and (2) on a second interrupt, when libtorch's threads may still be
    /// mid-computation and an orderly shutdown could crash.
    /// </summary>
    public static void Now(int code)
    {
        Console.Out.Flush();
        Console.Error.Flush();
        if (OperatingSystem.IsWindows())
            Environment.Exit(code);
        _exit(code);
    }

    [DllImport("libc", EntryPoint = "_exit")]
    private static extern void _exit(int status);
}
