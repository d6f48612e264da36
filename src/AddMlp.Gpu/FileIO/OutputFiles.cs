using System.Diagnostics;
using System.Text.RegularExpressions;

namespace AddMlp.Gpu;

/// <summary>
/// A command's outputs, committed together: each is written completely to a temporary file beside its
/// target and flushed to disk, and only when every one has been written are they renamed into place.
/// A failure before that leaves every existing file as it was, and no temporary file behind.
/// </summary>
/// <remarks>
/// A target that is a symlink is updated through it (the link stays); a target that exists keeps its
/// mode, and its owner where this process may set it. A target that exists and is not a regular file
/// (a FIFO, a device, a directory) is refused. Temporary files are named <c>.addmlp-PID-RANDOM.tmp</c>
/// (RANDOM: 16 hex digits; short, whatever the target's name), with the target's extension after it for
/// writers that choose a format by it; those of processes that no longer run are removed, and no other
/// file: a user's file that merely starts with ".addmlp-" is not addmlp's to delete.
/// </remarks>
public sealed partial class OutputFiles : IDisposable
{
    private const string TempPrefix = ".addmlp-";
    private readonly List<(string Temp, string Target)> _staged = [];
    private readonly HashSet<string> _tidied = [];
    private readonly CancellationToken _cancellation;

    /// <param name="cancellation">When it is cancelled before <see cref="Commit"/>, nothing is renamed into place: Commit throws <see cref="OperationCanceledException"/>.</param>
    public OutputFiles(CancellationToken cancellation = default) => _cancellation = cancellation;

    /// <summary>Writes one output: <paramref name="write"/> fills the temporary path it is given (ending in <paramref name="extension"/> after ".tmp", for writers that choose a format by it).</summary>
    public void Stage(string path, Action<string> write, string extension = "")
    {
        string target = Target(path);
        string directory = Path.GetDirectoryName(target) ?? ".";
        if (_tidied.Add(directory))
            RemoveAbandoned(directory); // once per folder, however many outputs go there
        string temp = Path.Combine(directory, $"{TempPrefix}{Environment.ProcessId}-{Random.Shared.NextInt64():x16}.tmp{extension}");
        _staged.Add((temp, target));
        write(temp);
        using (var stream = new FileStream(temp, FileMode.Open, FileAccess.ReadWrite, FileShare.None))
            stream.Flush(flushToDisk: true);
        if (OperatingSystem.IsLinux() && FileFacts.Stat(target) is { Kind: FileKind.Regular } existing)
        {
            File.SetUnixFileMode(temp, (UnixFileMode)existing.Mode);
            FileFacts.TryChown(temp, existing.Owner, existing.Group);
        }
    }

    /// <summary>Renames every staged file over its target, and makes the renames durable.</summary>
    public void Commit()
    {
        _cancellation.ThrowIfCancellationRequested(); // a signal while the outputs were made: leave every file as it was
        foreach (var (temp, target) in _staged)
            File.Move(temp, target, overwrite: true);
        foreach (string folder in _staged.Select(s => Path.GetDirectoryName(Path.GetFullPath(s.Temp))!).Distinct())
            FileFacts.SyncDirectory(folder);
        _staged.Clear();
    }

    /// <summary>Removes what was staged and not committed.</summary>
    public void Dispose()
    {
        foreach (var (temp, _) in _staged)
            File.Delete(temp);
        _staged.Clear();
    }

    /// <summary>Writes one file atomically on its own.</summary>
    public static void Write(string path, Action<string> write, string extension = "", CancellationToken cancellation = default)
    {
        using var outputs = new OutputFiles(cancellation);
        outputs.Stage(path, write, extension);
        outputs.Commit();
    }

    /// <summary>
    /// The file a write to <paramref name="path"/> replaces: through a symlink, its final target. Throws
    /// <see cref="IOException"/> when that exists and is not a regular file.
    /// </summary>
    public static string Target(string path)
    {
        string full = Path.GetFullPath(path);
        try
        {
            if (new FileInfo(full).ResolveLinkTarget(returnFinalTarget: true) is { } linked)
                full = linked.FullName;
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            // nothing there yet, so no link to follow
        }
        if (FileFacts.Stat(full) is { Kind: not FileKind.Regular } status)
            throw new IOException($"'{path}' is {FileFacts.Describe(status.Kind)}, not a file addmlp can replace");
        return full;
    }

    /// <summary>Temporary files left by addmlp processes that were killed (SIGKILL, power loss) before they could remove them.</summary>
    private static void RemoveAbandoned(string directory)
    {
        try
        {
            foreach (string file in Directory.EnumerateFiles(directory, TempPrefix + "*"))
            {
                Match ours = TempName().Match(Path.GetFileName(file));
                if (ours.Success && int.TryParse(ours.Groups["pid"].Value, out int pid) && pid != Environment.ProcessId && !IsRunning(pid)
                    && FileFacts.Stat(file) is { Kind: FileKind.Regular })
                    File.Delete(file);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // leftovers are untidy, not harmful: never fail a write over them
        }
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using Process process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    /// <summary>Exactly the names <see cref="Stage"/> gives (the extensions: those of the plot's formats).</summary>
    [GeneratedRegex(@"^\.addmlp-(?<pid>[1-9][0-9]{0,9})-[0-9a-f]{16}\.tmp(\.png|\.svg)?$")]
    private static partial Regex TempName();
}
