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
        foreach (Func<TextWriter> stream in (Func<TextWriter>[])[() => Console.Out, () => Console.Error])
        {
            try
            {
                stream().Flush();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // a closed or full stream: what could not be printed is lost, the exit code is not
            }
        }
        if (OperatingSystem.IsWindows())
            Environment.Exit(code);
        _exit(code);
    }

    [DllImport("libc", EntryPoint = "_exit")]
    private static extern void _exit(int status);
}
