using System.Text.Json;

namespace AddMlp.Gpu.Cli;

/// <summary>Where a trial stands, read from its folder's files alone (the only record a sweep keeps).</summary>
internal enum TrialStatus
{
    /// <summary>Not started (or started and killed before its first checkpoint).</summary>
    Pending,
    /// <summary>Another process is running it (it holds the folder's lock).</summary>
    Running,
    /// <summary>Stopped with its run saved (interrupted, a checkpoint, out of time): resumable.</summary>
    Stopped,
    /// <summary>Finished: completed, reached its target, stopped early or at the size limit.</summary>
    Done,
    /// <summary>The loss stopped being finite: a result, not an error.</summary>
    Diverged,
    /// <summary>train failed (failure.json says how); run again only with --retry-failed.</summary>
    Failed,
}

/// <summary>A trial's folder: DIR/trials/ID with config.json, model.json, loss.json, train.log, and failure.json when it failed.</summary>
internal sealed record TrialFolder(string Path)
{
    public string Config => System.IO.Path.Combine(Path, "config.json");
    public string Model => System.IO.Path.Combine(Path, "model.json");
    public string LossCurve => System.IO.Path.Combine(Path, "loss.json");
    public string Log => System.IO.Path.Combine(Path, "train.log");
    public string Failure => System.IO.Path.Combine(Path, "failure.json");
    public string Lock => System.IO.Path.Combine(Path, ".lock");
    /// <summary>The running train process's id: a trial whose sweep was killed may still be running it.</summary>
    public string Pid => System.IO.Path.Combine(Path, ".pid");

    /// <summary>The trial's status from its files; a lock held by another process means it is running.</summary>
    public TrialStatus Status(bool checkLock = true)
    {
        if (checkLock && IsLocked())
            return TrialStatus.Running;
        string? status = RunStatus(Model) ?? null;
        if (status is "completed" or "target_reached" or "early_stopped" or "size_limit")
            return TrialStatus.Done;
        if (RunStatus(LossCurve) == "diverged" && !File.Exists(Failure))
            return TrialStatus.Diverged;
        if (File.Exists(Failure))
            return TrialStatus.Failed;
        return status is "checkpoint" or "interrupted" or "time_limit" ? TrialStatus.Stopped : TrialStatus.Pending;
    }

    /// <summary>
    /// Whether a process holds the trial's lock now, or a train process of it still runs (its sweep was killed
    /// and it was not: the lock went with the sweep, the process goes on writing the trial's files).
    /// </summary>
    public bool IsLocked()
    {
        if (TrainStillRunning())
            return true;
        if (!File.Exists(Lock))
            return false;
        try
        {
            using var probe = new FileStream(Lock, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
            return false;
        }
        catch (IOException)
        {
            return true;
        }
    }

    /// <summary>Takes the trial's lock (held until disposed, or the process ends), or null when another process has it or its train still runs.</summary>
    public FileStream? TryLock()
    {
        FileStream held;
        try
        {
            held = new FileStream(Lock, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException)
        {
            return null;
        }
        if (!TrainStillRunning())
            return held;
        held.Dispose();
        return null;
    }

    /// <summary>Whether the process .pid names is alive and is a train of this trial (its command line names the trial's folder).</summary>
    private bool TrainStillRunning()
    {
        if (!File.Exists(Pid) || !int.TryParse(File.ReadAllText(Pid).Trim(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int pid))
            return false;
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Contains(System.IO.Path.GetFullPath(Path), StringComparison.Ordinal);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false; // gone
        }
    }

    /// <summary>The "status" a model file's training block or a loss curve records, or null when there is no such file.</summary>
    private static string? RunStatus(string path)
    {
        if (!File.Exists(path))
            return null;
        try
        {
            using FileStream stream = File.OpenRead(path);
            using JsonDocument document = JsonDocument.Parse(stream);
            JsonElement root = document.RootElement;
            JsonElement holder = root.TryGetProperty("training", out JsonElement training) ? training : root;
            return holder.TryGetProperty("status", out JsonElement status) ? status.GetString() : null;
        }
        catch (JsonException)
        {
            throw new UsageException($"'{path}' is not a file addmlp wrote (it does not read as JSON): move the trial's folder away, and the sweep runs the trial again");
        }
    }
}
