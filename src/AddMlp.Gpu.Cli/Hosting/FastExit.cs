using System.Runtime.InteropServices;

namespace AddMlp.Gpu.Cli;

/// <summary>Ends the process without running shutdown: no finalizers, no native static destructors.</summary>
public static unsafe class FastExit
{
    // Resolved once, before libtorch starts loading on another thread: resolving a native function takes
    // the dynamic loader's lock, which that thread holds for the half second libtorch takes to load, so a
    // command that fails at once (a mistyped option) would otherwise wait for it before it could exit.
    private static readonly delegate* unmanaged<int, void> Exit = OperatingSystem.IsWindows()
        ? null
        : (delegate* unmanaged<int, void>)NativeLibrary.GetExport(NativeLibrary.GetMainProgramHandle(), "_exit");

    /// <summary>Resolves _exit now; call before <see cref="AddMlp.Gpu.NativeRuntime.StartLoading"/>.</summary>
    public static void Prepare()
    {
        _ = Exit;
    }

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
        if (Exit == null)
            Environment.Exit(code);
        Exit(code);
    }
}
