using System.Text;

namespace AddMlp.Gpu.Cli;

/// <summary>Checks, before any work, that a file (or a folder of files) can be written where the user asked.</summary>
public static class OutputPath
{
    /// <summary>The longest file name Linux file systems take, in bytes.</summary>
    private const int MaxNameBytes = 255;

    /// <summary>Throws <see cref="UsageException"/> naming <paramref name="option"/> when <paramref name="path"/> cannot be written.</summary>
    public static void CheckWritable(string path, string option)
    {
        if (string.IsNullOrWhiteSpace(path))
            throw new UsageException($"{option} needs a file path");
        string name = Path.GetFileName(path);
        if (Directory.Exists(path) || name is "" or "." or "..")
            throw new UsageException($"{option} '{path}' is a directory; give a file path");

        // The name as given, and again as a symlink resolves it (before resolving: a name too long fails there).
        void CheckNameLength(string fileName)
        {
            if (Encoding.UTF8.GetByteCount(fileName) > MaxNameBytes)
                throw new UsageException($"{option} '{path}': the file name is longer than the {MaxNameBytes} bytes a file system allows");
        }
        CheckNameLength(name);

        string target;
        try
        {
            target = OutputFiles.Target(path); // through a symlink; refuses FIFOs and devices
        }
        catch (IOException e)
        {
            throw new UsageException($"{option} {e.Message}: give a path to a file");
        }
        string folder = Path.GetDirectoryName(target) ?? ".";
        if (!Directory.Exists(folder))
            throw new UsageException($"{option} '{path}': folder '{folder}' does not exist; create it first");
        CheckNameLength(Path.GetFileName(target));

        CheckCanWriteIn(folder, path, option);
        if (File.Exists(target) && File.GetAttributes(target).HasFlag(FileAttributes.ReadOnly))
            throw new UsageException($"{option} '{path}' is read-only");
    }

    /// <summary>
    /// Throws <see cref="UsageException"/> naming <paramref name="option"/> when files cannot be made in the
    /// folder <paramref name="path"/>: it must be a folder, or not exist yet below one that can be written
    /// (it is made, with any folders missing on the way, when the first file goes there).
    /// </summary>
    public static void CheckFolder(string path, string option)
    {
        if (string.IsNullOrWhiteSpace(path))
            throw new UsageException($"{option} needs a folder path");
        string full = Path.GetFullPath(path);
        string existing = full;
        while (!Directory.Exists(existing))
        {
            if (FileFacts.Stat(existing) is { } status)
                throw new UsageException(existing == full
                    ? $"{option} '{path}' is {FileFacts.Describe(status.Kind)}, not a folder; give a folder for the logs"
                    : $"{option} '{path}': '{existing}' is {FileFacts.Describe(status.Kind)}, so no folder can be made in it");
            existing = Path.GetDirectoryName(existing) ?? throw new UsageException($"{option} '{path}': no folder on the way exists");
        }
        CheckCanWriteIn(existing, path, option);
    }

    /// <summary>Permissions, read-only file systems, quotas: the only sure test is to try, with a name like the temporary file's.</summary>
    private static void CheckCanWriteIn(string folder, string path, string option)
    {
        string probe = Path.Combine(folder, $".addmlp-{Environment.ProcessId}-probe.tmp");
        try
        {
            using (File.Create(probe, 1, FileOptions.DeleteOnClose))
            {
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException && !Failures.TooManyOpenFiles(e)) // that one is the environment's
        {
            throw new UsageException($"{option} '{path}': cannot write in folder '{folder}' ({e.Message.TrimEnd('.')})");
        }
    }
}
