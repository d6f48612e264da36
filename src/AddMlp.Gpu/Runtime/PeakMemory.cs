namespace AddMlp.Gpu;

/// <summary>The process's peak resident set size (Linux: VmHWM in /proc/self/status, resettable).</summary>
internal static class PeakMemory
{
    /// <summary>Resets the peak to the current RSS (Linux 4.0+: writing 5 to /proc/self/clear_refs); no-op elsewhere.</summary>
    public static void Reset()
    {
        if (!OperatingSystem.IsLinux())
            return;
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // an older kernel or a locked-down /proc: the peak then covers the whole process
        }
    }

    /// <summary>Peak RSS in bytes, or null where it cannot be read.</summary>
    public static long? PeakRssBytes() => Status("VmHWM:");

    private static long? Status(string key)
    {
        if (!OperatingSystem.IsLinux())
            return null;
        string? line;
        try
        {
            line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith(key, StringComparison.Ordinal));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null; // no /proc: the peak is unknown
        }
        return line is not null && long.TryParse(line[key.Length..].Trim().Split(' ')[0], out long kib) ? kib * 1024 : null;
    }
}
