using System.Runtime.InteropServices;

namespace AddMlp.Gpu;

/// <summary>
/// The resource limits this process runs under (`ulimit`), from getrlimit(2), which needs no file: it
/// answers when the limit on open files is what is exhausted. Null where unlimited, or not Linux.
/// </summary>
public static partial class ProcessLimits
{
    /// <summary>Below this address space (`ulimit -v`), commands that load libtorch fail while loading or at their first step (measured: 1.6 GB aborted the tutorial, 1.8 GB ran it).</summary>
    public const long MinimumAddressSpaceForLibtorch = 2L << 30;

    /// <summary>Below this many open files (`ulimit -n`), loading libtorch and writing outputs fail (measured: 8 failed, 12 ran the tutorial).</summary>
    public const long MinimumOpenFiles = 16;

    /// <summary>`ulimit -v`: the most virtual memory (address space) the process may map, in bytes.</summary>
    public static long? AddressSpaceBytes => Soft(AddressSpaceResource);

    /// <summary>`ulimit -f`: the largest file the process may write, in bytes.</summary>
    public static long? FileSizeBytes => Soft(FileSizeResource);

    /// <summary>`ulimit -n`: the most files the process may have open at once.</summary>
    public static long? OpenFiles => Soft(OpenFilesResource);

    // Linux's RLIMIT_FSIZE, RLIMIT_NOFILE and RLIMIT_AS.
    private const int FileSizeResource = 1, OpenFilesResource = 7, AddressSpaceResource = 9;

    private static long? Soft(int resource)
    {
        if (!OperatingSystem.IsLinux() || GetRLimit(resource, out RLimit limit) != 0 || limit.Current >= long.MaxValue)
            return null;
        return (long)limit.Current;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct RLimit
    {
        public ulong Current;
        public ulong Max;
    }

    [LibraryImport("libc", EntryPoint = "getrlimit")]
    private static partial int GetRLimit(int resource, out RLimit limit);
}
