using System.Runtime.InteropServices;

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
        const int ReadWrite = 2;
        int fd;
        while ((fd = FileFacts.OpenNative("/dev/null", ReadWrite)) is >= 0 and <= 2)
        {
            // each open takes the lowest free number: a closed 0, 1 or 2 is now /dev/null
        }
        if (fd > 2)
            _ = FileFacts.CloseNative(fd);
    }

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
