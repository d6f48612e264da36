using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace AddMlp.Gpu.Cli;

/// <summary>
/// A sweep as a Slurm job array: each array task runs its share of the trials (every <c>shards</c>-th, from
/// its task id), in the sweep folder, which on a shared file system is the only coordination. A requeued or
/// preempted task runs its share again: finished trials are skipped, stopped ones continue from their checkpoint.
/// </summary>
internal static class SlurmScript
{
    /// <summary>The sbatch script: one array task per shard, at most <paramref name="throttle"/> at once, the given #SBATCH options passed through.</summary>
    public static string For(SweepFolder folder, int shards, int? throttle, DeviceRequest device, int checkpointEvery, IReadOnlyList<string> sbatchOptions)
    {
        string dir = Path.GetFullPath(folder.Path);
        var script = new StringBuilder();
        script.Append("#!/bin/bash\n");
        script.Append(CultureInfo.InvariantCulture, $"#SBATCH --job-name=addmlp-sweep\n");
        script.Append(CultureInfo.InvariantCulture, $"#SBATCH --array=0-{shards - 1}{(throttle is int k ? $"%{k}" : "")}\n");
        script.Append(CultureInfo.InvariantCulture, $"#SBATCH --output={Quote(Path.Combine(dir, "slurm", "%A_%a.out"))}\n");
        script.Append("#SBATCH --requeue\n#SBATCH --open-mode=append\n");
        foreach (string option in sbatchOptions)
            script.Append(CultureInfo.InvariantCulture, $"#SBATCH {option}\n");
        script.Append("# Each task runs its share of the sweep (trials i, i + shards, ...); a requeued task goes on where its trials stopped.\n");
        string command = string.Join(' ', new[] { Self.Executable }.Concat(Self.Prefix).Select(Quote));
        script.Append(CultureInfo.InvariantCulture,
            $"exec {command} sweep --dir {Quote(dir)} --shard \"$SLURM_ARRAY_TASK_ID\" --shards {shards} --jobs 1 --device {device} --checkpoint-every {checkpointEvery}\n");
        return script.ToString();
    }

    /// <summary>An #SBATCH option as given (--partition=gpu, --time=1:00:00, --gres=gpu:1, --account=x), or a message.</summary>
    public static string CheckOption(string option) =>
        option.StartsWith('-') && !option.Any(char.IsControl) && !option.Contains('#')
            ? option
            : throw new UsageException($"--sbatch '{option}': give one sbatch option per --sbatch, as sbatch takes it (--partition=gpu, --time=1:00:00, --gres=gpu:1)");

    /// <summary>Submits the script with sbatch; its job id line. sbatch missing is the environment's problem (exit 3).</summary>
    public static string Submit(string scriptPath)
    {
        var start = new ProcessStartInfo("sbatch") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(scriptPath);
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new EnvironmentProblemException("sbatch did not start");
        }
        catch (System.ComponentModel.Win32Exception)
        {
            throw new EnvironmentProblemException("sbatch is not installed here (is this a Slurm login node?); the script is written: submit it where Slurm runs, or drop --slurm to run the sweep on this machine");
        }
        using (process)
        {
            string output = process.StandardOutput.ReadToEnd(), error = process.StandardError.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0)
                throw new EnvironmentProblemException($"sbatch refused the job: {error.Trim().Split('\n')[0]}");
            return output.Trim();
        }
    }

    private static string Quote(string word) =>
        word.All(c => char.IsAsciiLetterOrDigit(c) || "/._-%:=+,".Contains(c)) ? word : $"'{word.Replace("'", "'\\''")}'";
}

/// <summary>The environment cannot do what was asked (a program missing): exit 3.</summary>
internal sealed class EnvironmentProblemException(string message) : Exception(message);
