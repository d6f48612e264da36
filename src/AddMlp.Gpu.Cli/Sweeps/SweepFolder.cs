using System.Text.Json;

namespace AddMlp.Gpu.Cli;

/// <summary>
/// A sweep's folder, the only coordination between the processes that run it (a local sweep, Slurm's array
/// tasks): its plan (sweep.json), and a folder per trial under trials/ named by the trial's id.
/// </summary>
internal sealed class SweepFolder(string path)
{
    public string Path { get; } = path;
    public string PlanFile => System.IO.Path.Combine(Path, "sweep.json");

    /// <summary>A trial's folder, by its full path (which its train process's command line names: see <see cref="TrialFolder.IsLocked"/>).</summary>
    public TrialFolder Trial(SweepTrial trial) => new(System.IO.Path.GetFullPath(System.IO.Path.Combine(Path, "trials", trial.Id)));

    /// <summary>The plan the folder holds, or null when it holds none yet.</summary>
    public SweepPlan? ReadPlan(SweepPlanReader reader)
    {
        if (!File.Exists(PlanFile))
            return null;
        using JsonDocument document = JsonDocument.Parse(File.ReadAllText(PlanFile));
        return reader.FromJson(document.RootElement, $"'{PlanFile}'");
    }

    /// <summary>
    /// Makes the folder hold <paramref name="plan"/> and a folder per trial with its config.json, checking what
    /// is there: another sweep's plan, or a trial's config that is not the trial's (changed by hand), is
    /// refused, and nothing is changed.
    /// </summary>
    public void Prepare(SweepPlan plan, IReadOnlyList<SweepTrial> trials, SweepPlanReader reader)
    {
        OutputPath.CheckFolder(Path, "--dir");
        if (ReadPlan(reader) is { } held && held.ToJson() != plan.ToJson())
            throw new UsageException($"'{Path}' holds another sweep (its sweep.json plans other trials): give another --dir, or run `addmlp sweep --dir {Path}` alone to go on with the one it holds");
        foreach (SweepTrial trial in trials)
        {
            TrialFolder folder = Trial(trial);
            if (File.Exists(folder.Config) && File.ReadAllText(folder.Config) != trial.Config)
                throw new UsageException($"'{folder.Config}' is not trial {trial.Id}'s config (changed by hand?): move '{folder.Path}' away, and the sweep runs that trial again");
        }
        Directory.CreateDirectory(Path);
        if (!File.Exists(PlanFile))
            WriteAtomically(PlanFile, plan.ToJson() + "\n");
        foreach (SweepTrial trial in trials)
        {
            TrialFolder folder = Trial(trial);
            Directory.CreateDirectory(folder.Path);
            if (!File.Exists(folder.Config))
                WriteAtomically(folder.Config, trial.Config);
        }
    }

    /// <summary>A file written whole or not at all (a temporary beside it, then renamed).</summary>
    public static void WriteAtomically(string path, string text)
    {
        using var files = new OutputFiles();
        files.Stage(path, temp => File.WriteAllText(temp, text));
        files.Commit();
    }
}
