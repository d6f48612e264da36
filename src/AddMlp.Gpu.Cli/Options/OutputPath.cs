namespace AddMlp.Gpu.Cli;

/// <summary>Checks, before any work, that a file can be written where the user asked.</summary>
public static class OutputPath
{
    /// <summary>Throws <see cref="UsageException"/> naming <paramref name="option"/> when <paramref name="path"/> cannot be written.</summary>
    public static void CheckWritable(string path, string option)
    {
        if (string.IsNullOrWhiteSpace(path))
            throw new UsageException($"{option} needs a file path");
        if (Directory.Exists(path))
            throw new UsageException($"{option} '{path}' is a directory; give a file path");
        string full = Path.GetFullPath(path);
        string folder = Path.GetDirectoryName(full) ?? ".";
        if (!Directory.Exists(folder))
            throw new UsageException($"{option} '{path}': folder '{folder}' does not exist; create it first");

        // Permissions, read-only file systems, quotas: the only sure test is to try.
        string probe = Path.Combine(folder, $".addmlp-write-test-{Environment.ProcessId}-{Guid.NewGuid():N}");
        try
        {
            using (File.Create(probe, 1, FileOptions.DeleteOnClose))
            {
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"{option} '{path}': cannot write in folder '{folder}' ({e.Message.TrimEnd('.')})");
        }
        if (File.Exists(full) && File.GetAttributes(full).HasFlag(FileAttributes.ReadOnly))
            throw new UsageException($"{option} '{path}' is read-only");
    }
}
