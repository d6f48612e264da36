using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace AddMlp.Gpu.Cli;

/// <summary>stdout and stderr as addmlp writes to them, whatever state the caller left them in.</summary>
public static partial class StandardStreams
{
    /// <summary>
    /// Puts /dev/null on file descriptors 0–2 where they are still closed (`>&-`, `2>&-`): otherwise the
    /// next file this process opens would get that number, and whatever is printed there (by .NET or by
    /// libtorch) would land in a model file. (The runtime opens /dev/urandom read-only before Main and
    /// may have taken one already: writes there fail, and <see cref="SafeWriter"/> drops them.)
    /// </summary>
    public static void ReserveClosed()
    {
        if (!OperatingSystem.IsLinux())
            return;
        // Each open takes the lowest free number: one that is 0, 1 or 2 stays open, as /dev/null.
        while (OpenDevNull(FileAccess.ReadWrite) is { } handle)
        {
            if (handle.DangerousGetHandle() > 2)
            {
                handle.Dispose();
                return;
            }
            handle.SetHandleAsInvalid(); // never closed, by Dispose or the finalizer
        }
    }

    private static SafeFileHandle? OpenDevNull(FileAccess access)
    {
        try
        {
            return File.OpenHandle("/dev/null", FileMode.Open, access, FileShare.ReadWrite);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>
    /// addmlp's stderr, with libtorch's own prints to it dropped where /proc/cpuinfo cannot be read (a
    /// container without /proc): libtorch's CPU probe then prints "Error in cpuinfo: failed to parse
    /// processor information" on every run, though the run succeeds. There addmlp's messages go to a
    /// duplicate of stderr, and descriptor 2, which libtorch writes to, to /dev/null.
    /// </summary>
    public static SafeWriter Error(bool loadsLibTorch)
    {
        if (!loadsLibTorch || !OperatingSystem.IsLinux() || File.Exists("/proc/cpuinfo"))
            return Writer(() => Console.Error);
        int saved = Dup(2);
        using SafeFileHandle? devNull = OpenDevNull(FileAccess.Write);
        if (saved < 0 || devNull is null || Dup2((int)devNull.DangerousGetHandle(), 2) < 0)
            return Writer(() => Console.Error);
        var stream = new FileStream(new SafeFileHandle(saved, ownsHandle: true), FileAccess.Write, bufferSize: 1);
        return new SafeWriter(new StreamWriter(stream) { AutoFlush = true });
    }

    [LibraryImport("libc", EntryPoint = "dup")]
    private static partial int Dup(int fd);

    [LibraryImport("libc", EntryPoint = "dup2")]
    private static partial int Dup2(int fd, int target);

    /// <summary>A writer over Console.Out or Console.Error that never throws (<see cref="SafeWriter"/>), or a null one where the stream cannot even be opened.</summary>
    public static SafeWriter Writer(Func<TextWriter> console)
    {
        try
        {
            return new SafeWriter(console());
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new SafeWriter(TextWriter.Null);
        }
    }

    /// <summary>
    /// The width in columns of the terminal stderr is on, asked each time (so a resized window is seen at
    /// once); where it cannot be asked, $COLUMNS, else 80.
    /// </summary>
    public static unsafe int ErrorWidth()
    {
        const nuint TIOCGWINSZ = 0x5413; // Linux, x64 and arm64
        ushort* size = stackalloc ushort[4]; // struct winsize: rows, columns, x pixels, y pixels
        if (OperatingSystem.IsLinux() && IoctlWindowSize(2, TIOCGWINSZ, size) == 0 && size[1] > 0)
            return size[1];
        return int.TryParse(Environment.GetEnvironmentVariable("COLUMNS"), out int columns) && columns > 0 ? columns : 80;
    }

    [LibraryImport("libc", EntryPoint = "ioctl")]
    private static unsafe partial int IoctlWindowSize(int fd, nuint request, ushort* size);

}
