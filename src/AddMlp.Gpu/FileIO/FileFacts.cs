using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace AddMlp.Gpu;

/// <summary>What a path names, as stat(2) says after following symlinks.</summary>
public enum FileKind
{
    Regular,
    Directory,
    Fifo,
    CharacterDevice,
    BlockDevice,
    Socket,
    Other,
}

/// <summary>One file's identity and kind: two paths name the same file when device and inode agree.</summary>
public readonly record struct FileStatus(ulong Device, ulong Inode, FileKind Kind, uint Mode, uint Owner, uint Group);

/// <summary>
/// stat(2), chown(2) and fsync(2) of a folder, which .NET does not offer: a file's kind (a FIFO or a device is not a file to
/// read or replace), its identity (device and inode, so that two spellings of one file are caught), and
/// its owner (kept when a file is replaced). Linux x64 and arm64; elsewhere nothing is known (null).
/// </summary>
public static partial class FileFacts
{
    /// <summary>The file <paramref name="path"/> names, following symlinks; null where it does not exist or cannot be asked.</summary>
    public static FileStatus? Stat(string path)
    {
        if (!OperatingSystem.IsLinux() || Layout() is not { } layout)
            return null;
        var buffer = new byte[256]; // struct stat is 144 bytes on x64, 128 on arm64
        if (StatNative(path, buffer) != 0)
            return null;
        uint mode = BinaryPrimitives.ReadUInt32LittleEndian(buffer.AsSpan(layout.Mode));
        return new FileStatus(
            BinaryPrimitives.ReadUInt64LittleEndian(buffer.AsSpan(0)),
            BinaryPrimitives.ReadUInt64LittleEndian(buffer.AsSpan(8)),
            KindOf(mode),
            mode & 0xFFF,
            BinaryPrimitives.ReadUInt32LittleEndian(buffer.AsSpan(layout.Uid)),
            BinaryPrimitives.ReadUInt32LittleEndian(buffer.AsSpan(layout.Uid + 4)));
    }

    /// <summary>What a path names, in a few words ("a FIFO"), for messages.</summary>
    public static string Describe(FileKind kind) => kind switch
    {
        FileKind.Regular => "a file",
        FileKind.Directory => "a directory",
        FileKind.Fifo => "a FIFO (named pipe)",
        FileKind.CharacterDevice => "a character device",
        FileKind.BlockDevice => "a block device",
        FileKind.Socket => "a socket",
        _ => "not a regular file",
    };

    /// <summary>Gives <paramref name="path"/> this owner and group; false where that is not permitted.</summary>
    public static bool TryChown(string path, uint owner, uint group) =>
        OperatingSystem.IsLinux() && ChownNative(path, owner, group) == 0;

    private static FileKind KindOf(uint mode) => (mode & 0xF000) switch
    {
        0x8000 => FileKind.Regular,
        0x4000 => FileKind.Directory,
        0x1000 => FileKind.Fifo,
        0x2000 => FileKind.CharacterDevice,
        0x6000 => FileKind.BlockDevice,
        0xC000 => FileKind.Socket,
        _ => FileKind.Other,
    };

    /// <summary>Where st_mode and st_uid sit in glibc's struct stat (st_dev and st_ino lead on both).</summary>
    private static (int Mode, int Uid)? Layout() => RuntimeInformation.ProcessArchitecture switch
    {
        System.Runtime.InteropServices.Architecture.X64 => (24, 28),
        System.Runtime.InteropServices.Architecture.Arm64 => (16, 24),
        _ => null,
    };

    /// <summary>
    /// Makes the folder's entries durable (fsync on the folder): a rename is on disk only once its
    /// folder is, so after a power cut the renamed file is there, not the one it replaced. Best effort:
    /// where it cannot be done the file is still whole, under its old or its new content.
    /// </summary>
    public static void SyncDirectory(string directory)
    {
        if (!OperatingSystem.IsLinux())
            return;
        const int ReadOnly = 0; // O_RDONLY opens a folder too (O_DIRECTORY's value differs between x64 and arm64)
        int fd = OpenNative(directory, ReadOnly);
        if (fd < 0)
            return;
        _ = FsyncNative(fd);
        _ = CloseNative(fd);
    }

    /// <summary>open(2): the descriptor, or -1.</summary>
    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int OpenNative(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync")]
    private static partial int FsyncNative(int fd);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int CloseNative(int fd);

    [LibraryImport("libc", EntryPoint = "stat", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int StatNative(string path, [Out] byte[] buffer);

    [LibraryImport("libc", EntryPoint = "chown", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int ChownNative(string path, uint owner, uint group);
}
