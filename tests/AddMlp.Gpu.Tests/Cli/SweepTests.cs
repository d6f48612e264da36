using System.Diagnostics;
using System.Text.Json;

namespace AddMlp.Gpu.Tests;

/// <summary>
/// `addmlp sweep`: its plan (a grid, a random search, seeds), trials named by their options, run by this
/// machine's executor, skipped when done, continued when stopped or killed, and `sweep report`'s table.
/// A real Slurm is checked by scripts/check-slurm; here the job array's script and sharding.
/// </summary>
public sealed class SweepTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void A_grid_over_seeds_runs_each_trial_as_train_would_and_a_second_run_skips_them_all()
    {
        CliResult sweep = Sweep("--grid", "lr=0.1,0.05", "--grid", "hidden=default;4", "--seeds", "2", "--set", "epochs=60", "--jobs", "2");
        Assert.True(sweep.ExitCode == 0, sweep.ToString());
        string[] trials = Directory.GetDirectories(Path.Combine(_dir.File("addmlp-sweep"), "trials"));
        Assert.Equal(8, trials.Length);
        Assert.All(trials, t => Assert.Equal([".lock", "config.json", "loss.json", "model.json", "train.log"], Directory.GetFiles(t).Select(Path.GetFileName).Order()));

        // The trial with lr 0.1, no hidden layer and seed 42 is `addmlp train --epochs 60`'s run.
        Assert.Equal(0, Cli.Run(_dir.Path, "train", "--quiet", "--epochs", "60", "--threads", "1", "--device", "cpu", "--loss-curve", "train-loss.json").ExitCode);
        string tutorial = trials.Single(t => Training(Path.Combine(t, "model.json")) is var run && run.GetProperty("lr").GetDouble() == 0.1
            && run.GetProperty("seed").GetInt64() == 42 && !File.ReadAllText(Path.Combine(t, "config.json")).Contains("\"hidden\": [\n      4"));
        Assert.Equal(File.ReadAllBytes(_dir.File("train-loss.json")), File.ReadAllBytes(Path.Combine(tutorial, "loss.json")));

        var before = trials.ToDictionary(t => t, t => File.ReadAllBytes(Path.Combine(t, "model.json")));
        CliResult again = Sweep("--grid", "lr=0.1,0.05", "--grid", "hidden=default;4", "--seeds", "2", "--set", "epochs=60");
        CliResult alone = Sweep(); // the folder's own plan

        Assert.Equal((0, 0), (again.ExitCode, alone.ExitCode));
        Assert.Contains("sweep: nothing to run: 8 of 8 trials done", again.StdErr);
        Assert.Contains("sweep: nothing to run: 8 of 8 trials done", alone.StdErr);
        Assert.All(trials, t => Assert.Equal(before[t], File.ReadAllBytes(Path.Combine(t, "model.json"))));
    }

    [Fact]
    public void A_trials_folder_is_named_by_its_options_whatever_the_plan_that_asks_for_it()
    {
        CliResult grid = Sweep("--grid", "lr=0.1,0.05", "--set", "epochs=60", "--dry-run");
        CliResult other = Sweep("--grid", "epochs=60", "--grid", "lr=0.05,0.2", "--dry-run");
        CliResult device = Sweep("--grid", "lr=0.05", "--set", "epochs=60", "--set", "threads=2", "--device", "cpu", "--dry-run");

        string Id(CliResult r, int line) => r.StdOut.Split('\n')[line].Split("  ", StringSplitOptions.RemoveEmptyEntries)[1];
        Assert.Equal(Id(grid, 1), Id(other, 0)); // lr 0.05, 60 epochs: the same trial
        Assert.NotEqual(Id(grid, 0), Id(other, 1));
        Assert.Equal(Id(grid, 1), Id(device, 0)); // threads change where and how fast, not what
        Assert.Equal([], _dir.Files()); // --dry-run writes nothing
        Assert.False(Directory.Exists(_dir.File("addmlp-sweep")));
    }

    [Fact]
    public void A_random_search_draws_the_same_trials_from_the_same_seed()
    {
        string[] plan = ["--random", "5", "--log-uniform", "lr=0.001:0.1", "--choice", "optimizer=adam,sgd", "--uniform", "batch-size=10:100", "--dry-run"];
        CliResult first = Sweep([.. plan, "--sample-seed", "3"]);
        CliResult second = Sweep([.. plan, "--sample-seed", "3"]);
        CliResult other = Sweep([.. plan, "--sample-seed", "4"]);

        Assert.Equal(first.StdOut, second.StdOut);
        Assert.NotEqual(first.StdOut, other.StdOut);
        string[] lines = first.StdOut.Trim().Split('\n');
        Assert.Equal(5, lines.Length);
        foreach (string line in lines)
        {
            string lr = line.Split("lr=")[1].Split(' ')[0], batch = line.Split("batch-size=")[1].Split(' ')[0];
            Assert.InRange(double.Parse(lr, System.Globalization.CultureInfo.InvariantCulture), 0.001, 0.1);
            Assert.InRange(int.Parse(batch, System.Globalization.CultureInfo.InvariantCulture), 10, 100);
            Assert.Matches("optimizer=(adam|sgd)", line);
        }
    }

    [Fact]
    public void A_yaml_sweep_file_plans_what_the_command_line_does()
    {
        File.WriteAllText(_dir.File("plan.yaml"), "# two rates, two seeds\ngrid:\n  lr: [0.1, 0.05]\nset:\n  epochs: 60\nseeds: 2\n");

        CliResult file = Sweep("--plan", "plan.yaml", "--dry-run");
        CliResult words = Sweep("--grid", "lr=0.1,0.05", "--set", "epochs=60", "--seeds", "2", "--dry-run");

        Assert.Equal(0, file.ExitCode);
        Assert.Equal(words.StdOut, file.StdOut);
        Assert.Equal(4, file.StdOut.Trim().Split('\n').Length);
    }

    [Fact]
    public void A_sweep_stopped_by_a_signal_exits_130_saved_and_a_second_run_ends_as_one_uninterrupted()
    {
        // Epochs of 20 minibatches, long enough that the trials are still running when the sweep alone is signalled.
        string[] plan = ["--grid", "lr=0.1,0.05", "--set", "epochs=5000", "--set", "batch-size=50", "--checkpoint-every", "100", "--jobs", "2"];
        using (Process sweep = Process.Start(Cli.Start(_dir.Path, ["sweep", .. plan, "--dir", "stopped"]))!)
        {
            WaitForCheckpoint("stopped");
            Processes.Signal(sweep, "TERM");
            Assert.True(sweep.WaitForExit(60_000));
            Assert.Equal(130, sweep.ExitCode);
        }
        Assert.Contains("stopped", Cli.Run(_dir.Path, "sweep", "status", "stopped").StdOut);

        CliResult resumed = Sweep([.. plan, "--dir", "stopped"]);
        CliResult whole = Sweep([.. plan, "--dir", "whole"]);

        Assert.True(resumed.ExitCode == 0, resumed.ToString());
        Assert.Contains(": continuing from epoch ", resumed.StdErr);
        AssertSameTrials("whole", "stopped");
    }

    [Fact]
    public void A_sweep_killed_with_its_trials_continues_them_from_their_checkpoints()
    {
        string[] plan = ["--grid", "lr=0.1,0.05", "--set", "epochs=10000", "--set", "batch-size=500", "--checkpoint-every", "100", "--jobs", "2"];
        using (Process sweep = Process.Start(Cli.Start(_dir.Path, ["sweep", .. plan, "--dir", "killed"]))!)
        {
            WaitForCheckpoint("killed");
            sweep.Kill(); // first the sweep, so that it starts no trial after its trials are killed
            sweep.WaitForExit();
            using Process kill = Process.Start("pkill", ["-KILL", "-f", _dir.File("killed")])!; // then its trials, as a crash would
            kill.WaitForExit();
        }

        CliResult resumed = Sweep([.. plan, "--dir", "killed"]);
        CliResult whole = Sweep([.. plan, "--dir", "whole"]);

        Assert.True(resumed.ExitCode == 0, resumed.ToString());
        AssertSameTrials("whole", "killed");
    }

    [Fact]
    public void A_diverged_trial_is_a_result_and_a_failed_one_is_run_again_only_when_asked()
    {
        Directory.CreateDirectory(_dir.File("addmlp-sweep"));
        CliResult plan = Sweep("--grid", "lr=0.1,1e20", "--set", "epochs=60", "--dry-run");
        string failing = plan.StdOut.Split('\n')[0].Split("  ", StringSplitOptions.RemoveEmptyEntries)[1];
        Directory.CreateDirectory(_dir.File($"addmlp-sweep/trials/{failing}/model.json")); // train cannot write its model there

        CliResult first = Sweep("--grid", "lr=0.1,1e20", "--set", "epochs=60");
        CliResult second = Sweep("--grid", "lr=0.1,1e20", "--set", "epochs=60");
        CliResult retried = Sweep("--grid", "lr=0.1,1e20", "--set", "epochs=60", "--retry-failed");
        CliResult report = Cli.Run(_dir.Path, "sweep", "report", "--format", "csv");

        Assert.Equal(1, first.ExitCode);
        Assert.Contains($"addmlp: trial {failing} failed (lr=0.1)", first.StdErr);
        Assert.True(File.Exists(_dir.File($"addmlp-sweep/trials/{failing}/failure.json")));
        Assert.Equal(1, second.ExitCode);
        Assert.Contains("1 failed (--retry-failed runs them again)", second.StdErr);
        Assert.Contains($"trial {failing} failed", retried.StdErr);
        Assert.Contains(",1e20,diverged,", report.StdOut);
        Assert.Contains(",0.1,failed,", report.StdOut);
    }

    [Fact]
    public void The_report_tabulates_every_trial_by_the_chosen_metric_in_four_formats_and_plots_the_best()
    {
        Assert.Equal(0, Sweep("--grid", "lr=0.1,0.01", "--grid", "hidden=default;4", "--set", "epochs=80", "--set", "val-fraction=0.2").ExitCode);

        CliResult table = Cli.Run(_dir.Path, "sweep", "report", "--plot", "best.png", "--top", "3");
        CliResult csv = Cli.Run(_dir.Path, "sweep", "report", "--format", "csv", "--sort", "mae_wide");
        CliResult json = Cli.Run(_dir.Path, "sweep", "report", "--format", "json");
        CliResult markdown = Cli.Run(_dir.Path, "sweep", "report", "--format", "markdown");

        Assert.True(table.ExitCode == 0, table.ToString());
        string[] lines = table.StdOut.TrimEnd().Split('\n');
        Assert.Equal(["trial", "lr", "hidden", "status", "epochs", "final_loss", "best_val_loss", "mae", "mae_wide", "time_s"], lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(5, lines.Length);
        double[] finals = [.. lines.Skip(1).Select(l => double.Parse(l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[5], System.Globalization.CultureInfo.InvariantCulture))];
        Assert.Equal(finals.Order(), finals);
        Assert.StartsWith("trial,lr,hidden,status,epochs,final_loss,best_val_loss,mae,mae_wide,time_s\n", csv.StdOut);
        double[] wide = [.. csv.StdOut.Trim().Split('\n').Skip(1).Select(l => double.Parse(l.Split(',')[8], System.Globalization.CultureInfo.InvariantCulture))];
        Assert.Equal(wide.Order(), wide);
        using JsonDocument rows = JsonDocument.Parse(json.StdOut);
        Assert.Equal(4, rows.RootElement.GetArrayLength());
        Assert.True(rows.RootElement[0].GetProperty("best_val_loss").GetDouble() > 0);
        Assert.StartsWith("| trial | lr | hidden |", markdown.StdOut);
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], File.ReadAllBytes(_dir.File("best.png"))[..4]);
    }

    [Fact]
    public void A_share_runs_every_nth_trial_from_its_index_or_the_job_arrays_task()
    {
        string[] plan = ["--grid", "lr=0.1,0.09,0.08,0.07,0.06", "--set", "epochs=20", "--dry-run", "--shards", "2"];
        CliResult byOption = Sweep([.. plan, "--shard", "1"]);
        CliResult bySlurm = Cli.Run(new Dictionary<string, string?> { ["SLURM_ARRAY_TASK_ID"] = "1" }, _dir.Path, ["sweep", .. plan]);
        CliResult byKubernetes = Cli.Run(new Dictionary<string, string?> { ["JOB_COMPLETION_INDEX"] = "0" }, _dir.Path, ["sweep", .. plan]);

        Assert.Equal(["2", "4"], byOption.StdOut.Trim().Split('\n').Select(l => l.Trim().Split(' ')[0]));
        Assert.Equal(byOption.StdOut, bySlurm.StdOut);
        Assert.Equal(["1", "3", "5"], byKubernetes.StdOut.Trim().Split('\n').Select(l => l.Trim().Split(' ')[0]));
    }

    [Fact]
    public void The_slurm_script_is_a_throttled_job_array_whose_tasks_run_their_share_with_the_options_passed_through()
    {
        CliResult script = Sweep("--grid", "lr=0.1,0.05,0.02", "--seeds", "2", "--slurm", "--dry-run", "--throttle", "2", "--sbatch=--partition=gpu", "--sbatch=--time=1:00:00", "--dir", "cluster");

        Assert.True(script.ExitCode == 0, script.ToString());
        Assert.StartsWith("#!/bin/bash\n", script.StdOut);
        Assert.Contains("#SBATCH --array=0-5%2\n", script.StdOut);
        Assert.Contains("#SBATCH --requeue\n", script.StdOut);
        Assert.Contains("#SBATCH --partition=gpu\n#SBATCH --time=1:00:00\n", script.StdOut);
        Assert.Contains($"sweep --dir {_dir.File("cluster")} --shard \"$SLURM_ARRAY_TASK_ID\" --shards 6 --jobs 1 --device cpu --checkpoint-every 1000\n", script.StdOut);
        Assert.False(Directory.Exists(_dir.File("cluster")));
    }

    [Fact]
    public void Slurm_where_sbatch_is_not_installed_is_the_environments_problem_exit_3()
    {
        string exe = Repo.File("artifacts", "addmlp", "addmlp"); // the Native AOT build scripts/test makes: it needs no PATH of its own
        Assert.True(File.Exists(exe), $"no Native AOT build at {exe}: run the tests with scripts/test, which builds it");

        CliResult result = Cli.RunExe(exe, new Dictionary<string, string?> { ["PATH"] = "/nonexistent" }, _dir.Path, "sweep", "--grid", "lr=0.1", "--slurm");

        Assert.Equal(3, result.ExitCode);
        Assert.Contains("addmlp: sbatch is not installed here (is this a Slurm login node?)", result.StdErr);
    }

    [Theory]
    [InlineData("sweep --grid lrr=0.1", "--grid 'lrr=0.1': train has no option --lrr (did you mean 'lr'?)")]
    [InlineData("sweep --grid lr=-1", "trial 1 (lr=-1): --lr must be a finite number above 0, got '-1'")]
    [InlineData("sweep --grid optimizer=adam,nadam", "trial 2 (optimizer=nadam): --optimizer 'nadam' is not one of adam, adamw, sgd")]
    [InlineData("sweep --grid lr=", "--grid 'lr=': no values")]
    [InlineData("sweep --uniform lr=0.1:0.2", "a random sweep draws a number of trials: give --random N")]
    [InlineData("sweep --grid threads=1,2", "--threads changes where or how fast a trial runs, not what it computes")]
    [InlineData("sweep --grid lr=0.1 --sbatch=#x --slurm", "--sbatch '#x': give one sbatch option per --sbatch")]
    [InlineData("sweep --dir empty", "no plan: give one (--grid lr=0.1,0.01, --plan FILE)")]
    [InlineData("sweep report empty", "'empty' holds no sweep (no sweep.json)")]
    public void Bad_sweep_input_gets_one_line_exit_2_and_writes_nothing(string commandLine, string message)
    {
        Directory.CreateDirectory(_dir.File("empty"));
        CliResult result = Cli.Run(_dir.Path, commandLine.Split(' '));

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith($"addmlp: ", result.StdErr);
        Assert.Contains(message, result.StdErr);
        Assert.Single(result.StdErr.Trim().Split('\n'));
        Assert.Equal(["empty"], Directory.GetFileSystemEntries(_dir.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void A_folder_holding_another_sweep_or_a_changed_trial_is_refused_and_left_as_it_was()
    {
        Assert.Equal(0, Sweep("--grid", "lr=0.1", "--set", "epochs=20").ExitCode);
        string trial = Directory.GetDirectories(_dir.File("addmlp-sweep/trials")).Single();
        byte[] plan = File.ReadAllBytes(_dir.File("addmlp-sweep/sweep.json"));

        CliResult other = Sweep("--grid", "lr=0.2", "--set", "epochs=20");
        File.WriteAllText(Path.Combine(trial, "config.json"), File.ReadAllText(Path.Combine(trial, "config.json")).Replace("\"epochs\": 20", "\"epochs\": 30"));
        CliResult changed = Sweep();

        Assert.Equal(2, other.ExitCode);
        Assert.Contains("'addmlp-sweep' holds another sweep", other.StdErr);
        Assert.Equal(2, changed.ExitCode);
        Assert.Contains($"is not trial {Path.GetFileName(trial)}'s config (changed by hand?)", changed.StdErr);
        Assert.Equal(plan, File.ReadAllBytes(_dir.File("addmlp-sweep/sweep.json")));
        Assert.Single(Directory.GetDirectories(_dir.File("addmlp-sweep/trials")));
    }

    private CliResult Sweep(params string[] args) => Cli.Run(_dir.Path, ["sweep", .. args]);

    private static JsonElement Training(string model)
    {
        using JsonDocument document = JsonDocument.Parse(File.ReadAllText(model));
        return document.RootElement.GetProperty("training").Clone();
    }

    /// <summary>Waits until a trial of the sweep in <paramref name="folder"/> has saved a checkpoint.</summary>
    private void WaitForCheckpoint(string folder)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            string trials = _dir.File(Path.Combine(folder, "trials"));
            foreach (string model in Directory.Exists(trials) ? Directory.GetDirectories(trials).Select(t => Path.Combine(t, "model.json")) : [])
            {
                try
                {
                    if (File.Exists(model) && File.ReadAllText(model).Contains("\"status\": \"checkpoint\"", StringComparison.Ordinal))
                        return;
                }
                catch (IOException)
                {
                    // replaced while being read: look again
                }
            }
            Thread.Sleep(20);
        }
        Assert.Fail($"no trial of {folder} saved a checkpoint within 60 s");
    }

    /// <summary>Every trial's loss curve byte for byte, and its model file less the fields that record time.</summary>
    private void AssertSameTrials(string expected, string actual)
    {
        foreach (string trial in Directory.GetDirectories(_dir.File(Path.Combine(expected, "trials"))))
        {
            string other = _dir.File(Path.Combine(actual, "trials", Path.GetFileName(trial)));
            Assert.Equal(File.ReadAllBytes(Path.Combine(trial, "loss.json")), File.ReadAllBytes(Path.Combine(other, "loss.json")));
            Assert.Equal(Timeless(Path.Combine(trial, "model.json")), Timeless(Path.Combine(other, "model.json")));
        }
    }

    private static string Timeless(string model) => string.Join('\n', File.ReadAllLines(model).Where(l => !l.Contains("\"elapsed_ms\"") && !l.Contains("\"finished_utc\"")));
}
