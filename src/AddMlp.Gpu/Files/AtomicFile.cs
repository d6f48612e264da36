namespace AddMlp.Gpu;

/// <summary>
/// Writes a file so that readers see either the old content or the whole new content, never a
/// part: write a temporary file beside the target, flush it to disk, then rename it over the target.
/// </summary>
internal static class AtomicFile
{
    public static void WriteAllBytes(string path, ReadOnlySpan<byte> content)
    {
        byte[] bytes = content.ToArray();
        Write(path, temp => File.WriteAllBytes(temp, bytes));
    }

    /// <summary>
    /// Lets <paramref name="writeTemporary"/> write the content to the temporary path it is given (which
    /// ends in <paramref name="extension"/>, for writers that choose a format by extension), then flushes
    /// that file to disk and renames it over <paramref name="path"/>. On any failure the target is untouched.
    /// </summary>
    public static void Write(string path, Action<string> writeTemporary, string extension = ".tmp")
    {
        string full = Path.GetFullPath(path);
        string directory = Path.GetDirectoryName(full) ?? ".";
        string temp = Path.Combine(directory, $".{Path.GetFileName(full)}.{Environment.ProcessId}.{Guid.NewGuid():N}{extension}");
        try
        {
            writeTemporary(temp);
            using (var stream = new FileStream(temp, FileMode.Open, FileAccess.ReadWrite, FileShare.None))
                stream.Flush(flushToDisk: true);
            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            File.Delete(temp); // gone already after a successful rename
        }
    }
}
