using System.Diagnostics;
using System.Text.Json;

namespace AddMlp.Gpu.Tests;

/// <summary>
/// Nothing lost: outputs committed together, through symlinks, keeping their mode and owner; a signal at
/// any stage of a command; a closed or full stdout or stderr; a full disk.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class FileSafetyTests : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly BackgroundRuns _runs = new();

    public void Dispose()
    {
        _runs.Dispose();
        _dir.Dispose();
    }

    [Fact]
    public void An_interrupt_before_the_first_epoch_ends_keeps_the_previous_model_and_writes_nothing()
    {
        Models.WriteExactAdder(_dir.File("addmlp-model.json"));
        byte[] model = File.ReadAllBytes(_dir.File("addmlp-model.json"));
        // A first epoch of a million single-sample steps: a minute away when the signal comes.
        using Process train = Start("train", "--samples", "1000000", "--batch-size", "1", "--epochs", "5");
        Thread.Sleep(1500);

        Processes.Signal(train, "INT");

        Assert.True(train.WaitForExit(TimeSpan.FromSeconds(60)), "addmlp did not stop");
        string stderr = train.StandardError.ReadToEnd();
        Assert.Equal(130, train.ExitCode);
        Assert.Contains("interrupted before the first epoch ended; nothing written (the previous addmlp-model.json is kept)", stderr);
        Assert.Equal(model, File.ReadAllBytes(_dir.File("addmlp-model.json")));
        Assert.Equal(["addmlp-model.json"], _dir.Files());
    }

    [Fact]
    public void SIGHUP_is_a_request_to_stop_and_the_run_is_saved()
    {
        using Process train = Start("train", "--epochs", "100000000", "--log-every", "1000");
        Processes.WaitForStderrLine(train, "Epoch: 1 ");

        Processes.Signal(train, "HUP");

        Assert.True(train.WaitForExit(TimeSpan.FromSeconds(60)));
        Assert.Equal(130, train.ExitCode);
        Assert.Equal("interrupted", EnumNames<TrainStatus>.Of(ModelFile.Load(_dir.File("addmlp-model.json")).Training!.Outcome.Status));
    }

    [Fact]
    public void A_minibatch_epoch_stops_between_batches_and_saves_the_last_whole_epoch()
    {
        // Epochs of about a second: 20,000 single-sample steps each.
        string[] args = ["--samples", "20000", "--batch-size", "1", "--lr", "0.001", "--log-every", "1"];
        using Process train = Start(["train", "--epochs", "1000", .. args]);
        Processes.WaitForStderrLine(train, "Epoch: 1 ");

        Processes.Signal(train, "INT");

        // (That it stops between batches, not at the epoch's end, shows without a timing: see
        // An_interrupt_before_the_first_epoch_ends_keeps_the_previous_model_and_writes_nothing.)
        Assert.True(train.WaitForExit(TimeSpan.FromSeconds(60)));
        Assert.Equal(130, train.ExitCode);
        ModelDocument interrupted = ModelFile.Load(_dir.File("addmlp-model.json"));
        int epochs = interrupted.Training!.Outcome.EpochsRun;
        // The saved weights are exactly those of a run that stopped after that many whole epochs.
        using var again = new TempDir();
        Assert.Equal(0, Cli.Run(again.Path, ["train", "--quiet", "--epochs", epochs.ToString(System.Globalization.CultureInfo.InvariantCulture), .. args]).ExitCode);
        Assert.Equal(ModelFile.Load(again.File("addmlp-model.json")).StateDict, interrupted.StateDict);
    }

    [Theory]
    [InlineData("eval", new[] { "eval", "--samples", "10000000" })]
    [InlineData("bench", new[] { "bench", "--samples", "1e5", "--seconds", "5" })]
    public void Eval_and_bench_stop_on_SIGINT_with_exit_130(string _, string[] args)
    {
        Models.WriteExactAdder(_dir.File("addmlp-model.json"));
        using Process command = Start(args);
        Thread.Sleep(1000);

        Processes.Signal(command, "INT");

        Assert.True(command.WaitForExit(TimeSpan.FromSeconds(60)));
        Assert.Equal(130, command.ExitCode);
    }

    [Theory]
    [InlineData("2>&-", "train --epochs 200")]
    [InlineData("2>/dev/full", "train --epochs 200")]
    [InlineData(">/dev/full", "train --epochs 200 --json")]
    [InlineData(">&-", "train --epochs 200")]
    public void Training_whose_output_cannot_be_printed_still_saves_and_exits_0(string redirection, string command)
    {
        int exit = Shell($"{Quote(Cli.Command)} {command} {redirection}");

        Assert.Equal(0, exit);
        Assert.Equal(200, ModelFile.Load(_dir.File("addmlp-model.json")).Training!.Outcome.EpochsRun);
    }

    [Theory]
    [InlineData(">&-")]
    [InlineData(">/dev/full")]
    public void Predict_with_a_closed_or_full_stdout_does_not_crash(string redirection)
    {
        Models.WriteExactAdder(_dir.File("addmlp-model.json"));

        int exit = Shell($"{Quote(Cli.Command)} predict 0.3 0.5 {redirection} 2>err.txt");

        Assert.Equal(0, exit);
        Assert.DoesNotContain("   at ", File.ReadAllText(_dir.File("err.txt")));
    }

    [Fact]
    public void Retraining_keeps_the_model_files_mode_and_owner()
    {
        Assert.Equal(0, Cli.Run(_dir.Path, "train", "--quiet", "--epochs", "5").ExitCode);
        File.SetUnixFileMode(_dir.File("addmlp-model.json"), UnixFileMode.UserRead | UnixFileMode.UserWrite);
        bool root = Environment.UserName == "root";
        if (root)
            Assert.Equal(0, Shell("chown nobody:nogroup addmlp-model.json"));

        Assert.Equal(0, Cli.Run(_dir.Path, "train", "--quiet", "--epochs", "6").ExitCode);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(_dir.File("addmlp-model.json")));
        Assert.Equal(6, ModelFile.Load(_dir.File("addmlp-model.json")).Training!.Outcome.EpochsRun);
        if (root)
            Assert.Equal(0, Shell("[ \"$(stat -c %U addmlp-model.json)\" = nobody ]"));
    }

    [Fact]
    public void An_output_that_is_a_symlink_is_updated_through_it()
    {
        Directory.CreateDirectory(_dir.File("real"));
        File.CreateSymbolicLink(_dir.File("model.json"), "real/target.json");

        Assert.Equal(0, Cli.Run(_dir.Path, "train", "--quiet", "--epochs", "5", "--model", "model.json").ExitCode);

        Assert.Equal("real/target.json", new FileInfo(_dir.File("model.json")).LinkTarget);
        Assert.Equal(5, ModelFile.Load(_dir.File("real/target.json")).Training!.Outcome.EpochsRun);
    }

    [Fact]
    public void Temporary_files_of_killed_processes_are_removed_and_none_are_left()
    {
        File.WriteAllText(_dir.File(".addmlp-999999999-0123456789abcdef.tmp"), "left by a process killed with SIGKILL");
        File.WriteAllText(_dir.File(".addmlp-999999998-0123456789abcdef.tmp.svg"), "a plot's, left the same way");

        Assert.Equal(0, Cli.Run(_dir.Path, "train", "--quiet", "--epochs", "5", "--plot", "loss.svg").ExitCode);

        Assert.Equal(["addmlp-loss.json", "addmlp-model.json", "loss.svg"], Directory.GetFiles(_dir.Path).Select(Path.GetFileName).Order());
    }

    [Theory]
    [InlineData("--config m.json --model y.json --loss-curve m.json", "--loss-curve 'm.json' is the file --config reads")]
    [InlineData("--config m.json --model m.json", "--model 'm.json' is the file --config reads")]
    [InlineData("--config link.json --model m.json", "--model 'm.json' is the file --config reads (as 'link.json')")]
    [InlineData("--config hard.json --loss-curve m.json", "--loss-curve 'm.json' is the file --config reads (as 'hard.json')")]
    [InlineData("--config m.json --plot m.json", "'m.json': a plot is written as .png or .svg")]
    [InlineData("--config x.svg --plot x.svg", "--plot 'x.svg' is the file --config reads")]
    [InlineData("--resume m.json --loss-curve m.json", "--model and --loss-curve both name 'm.json'")]
    [InlineData("--resume m.json --model y.json --loss-curve m.json", "--loss-curve 'm.json' is the file --resume reads")]
    [InlineData("--resume m.json --model y.json --plot ./m.json", "a plot is written as .png or .svg")]
    public void An_input_named_by_config_or_resume_is_never_overwritten(string arguments, string message)
    {
        Assert.Equal(0, Cli.Run(_dir.Path, "train", "--quiet", "--epochs", "5", "--model", "m.json", "--loss-curve", "c.json").ExitCode);
        File.Copy(_dir.File("m.json"), _dir.File("x.svg"));
        File.CreateSymbolicLink(_dir.File("link.json"), "m.json");
        Assert.Equal(0, Link(_dir.File("m.json"), _dir.File("hard.json")));
        string before = File.ReadAllText(_dir.File("m.json")), svg = File.ReadAllText(_dir.File("x.svg"));

        CliResult result = Cli.Run(_dir.Path, ["train", "--quiet", "--epochs", "10", .. arguments.Split(' ')]);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assertions.OneLineError(result);
        Assert.Contains(message, result.StdErr);
        Assert.Equal(before, File.ReadAllText(_dir.File("m.json")));
        Assert.Equal(svg, File.ReadAllText(_dir.File("x.svg")));
        Assert.False(File.Exists(_dir.File("y.json")));
    }

    [Fact]
    public void A_resumed_run_goes_on_in_its_own_file()
    {
        Assert.Equal(0, Cli.Run(_dir.Path, "train", "--quiet", "--epochs", "5", "--model", "m.json").ExitCode);

        Assert.Equal(0, Cli.Run(_dir.Path, "train", "--quiet", "--epochs", "10", "--resume", "m.json").ExitCode);

        Assert.Equal(10, ModelFile.Load(_dir.File("m.json")).Training!.Outcome.EpochsRun);
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "link", SetLastError = true)]
    private static extern int Link(string existing, string created);

    [Theory]
    [InlineData(".addmlp-2024-backup.json")]
    [InlineData(".addmlp-77777-model copy.json")]
    [InlineData(".addmlp-999999999-0123456789abcdef.json")]
    [InlineData(".addmlp-999999999-0123456789ABCDEF.tmp")]
    [InlineData(".addmlp-999999999-0123456789abcdef.tmp.bak")]
    [InlineData(".addmlp-999999999-notes.tmp")]
    public void A_users_file_named_like_a_temporary_one_is_never_deleted(string name)
    {
        File.WriteAllText(_dir.File(name), "the user's");

        Assert.Equal(0, Cli.Run(_dir.Path, "train", "--quiet", "--epochs", "5", "--plot", "loss.png").ExitCode);

        Assert.Equal("the user's", File.ReadAllText(_dir.File(name)));
    }

    [MountFact]
    public void On_a_full_disk_a_failed_run_changes_no_file_and_leaves_no_temporary_file()
    {
        string disk = _dir.File("disk");
        Directory.CreateDirectory(disk);
        Assert.Equal(0, Shell($"mount -t tmpfs -o size=64k tmpfs {disk}"));
        try
        {
            Models.WriteExactAdder(Path.Combine(disk, "addmlp-model.json"));
            byte[] model = File.ReadAllBytes(Path.Combine(disk, "addmlp-model.json"));
            // Leave about 12 KB: the JSON files fit, the plot (tens of KB) does not.
            Assert.Equal(0, Shell($"head -c $(( $(stat -f -c '%a*%S' {disk}) - 12288 )) /dev/zero > {disk}/filler"));

            CliResult result = Cli.Run(disk, "train", "--quiet", "--epochs", "50", "--plot", "loss.png");

            Assert.Equal(1, result.ExitCode);
            Assertions.OneLineError(result);
            Assert.Contains("I/O error", result.StdErr);
            Assert.Equal(model, File.ReadAllBytes(Path.Combine(disk, "addmlp-model.json")));
            Assert.Equal(["addmlp-model.json", "filler"], Directory.GetFiles(disk).Select(Path.GetFileName).Order());
        }
        finally
        {
            Shell($"umount {disk}");
        }
    }

    [MountFact]
    public void A_TensorBoard_log_that_fills_its_disk_fails_the_run_after_the_model_is_saved()
    {
        string disk = _dir.File("tb");
        Directory.CreateDirectory(disk);
        Assert.Equal(0, Shell($"mount -t tmpfs -o size=64k tmpfs {disk}"));
        try
        {
            // 5000 epochs of three scalars are about 650 KB of events: the log stops part of the way.
            CliResult result = Cli.Run(_dir.Path, "train", "--quiet", "--epochs", "5000", "--tensorboard", "tb/run");

            Assert.Equal(1, result.ExitCode);
            Assertions.OneLineError(result);
            var stopped = System.Text.RegularExpressions.Regex.Match(result.StdErr, @"^addmlp: the TensorBoard log in 'tb/run' stopped after (\d+) epochs: .*; give --tensorboard a folder with room, or drop it");
            Assert.True(stopped.Success, result.StdErr);
            Assert.Equal("completed", JsonDocument.Parse(File.ReadAllText(_dir.File("addmlp-model.json"))).RootElement.GetProperty("training").GetProperty("status").GetString());
            int logged = TensorBoardEvents.Scalars(Path.Combine(disk, "run"))["loss"].Count; // whole records, no torn one at the end
            Assert.InRange(logged, 1, 4999);
            Assert.Equal(stopped.Groups[1].Value, logged.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        finally
        {
            Shell($"umount {disk}");
        }
    }

    [MountFact]
    public void Without_proc_info_and_bench_report_what_they_can_and_exit_0()
    {
        // A private mount namespace in which /proc is an empty tmpfs, as in some containers. The JIT
        // runtime (CoreCLR) cannot even start there; the Native AOT build users run can.
        Assert.True(Cli.Exe is not null, "this case needs the Native AOT build that scripts/test runs the command-line tests on");
        string command = Quote(Cli.Command);
        int info = Shell($"unshare -m bash -c 'mount -t tmpfs none /proc && exec \"$0\" info' {command} > info.txt 2> info-err.txt");
        int bench = Shell($"unshare -m bash -c 'mount -t tmpfs none /proc && exec \"$0\" bench --samples 1e3 --seconds 0.1' {command} > bench.txt 2> bench-err.txt");

        Assert.True(info == 0, File.ReadAllText(_dir.File("info-err.txt")));
        Assert.Contains("native runtime  loaded", File.ReadAllText(_dir.File("info.txt")));
        Assert.True(bench == 0, File.ReadAllText(_dir.File("bench-err.txt")));
        Assert.Contains("1000 cpu", File.ReadAllText(_dir.File("bench.txt")));
        int train = Shell($"unshare -m bash -c 'mount -t tmpfs none /proc && exec \"$0\" train --epochs 60' {command} > train.txt 2> train-err.txt");
        Assert.True(train == 0, File.ReadAllText(_dir.File("train-err.txt")));
        // libtorch's complaint about the missing /proc/cpuinfo is not addmlp's to pass on; addmlp's own lines are.
        Assert.Equal("", File.ReadAllText(_dir.File("bench-err.txt")));
        Assert.Equal(["Epoch: 1     loss: 1.198e+00", "Epoch: 51    loss: 1.381e-02"], File.ReadAllLines(_dir.File("train-err.txt")));
    }

    [Theory]
    [InlineData("eval", "TERM", new[] { "eval", "--samples", "10000000" })]
    [InlineData("bench", "TERM", new[] { "bench", "--samples", "1e5", "--seconds", "5" })]
    public void A_signal_to_a_command_that_saves_nothing_says_so_not_what_train_does(string _, string signal, string[] args)
    {
        Models.WriteExactAdder(_dir.File("addmlp-model.json"));
        using Process command = Start(args);
        Thread.Sleep(1000);

        Processes.Signal(command, signal);

        Assert.True(command.WaitForExit(TimeSpan.FromSeconds(60)));
        Assert.Equal(130, command.ExitCode);
        string stderr = command.StandardError.ReadToEnd();
        Assert.Contains("addmlp: interrupt received: stopping without writing anything", stderr);
        Assert.DoesNotContain("saving", stderr);
    }

    [Fact]
    public void A_TensorBoard_folder_deleted_mid_run_fails_the_log_not_the_run()
    {
        // 200,000 samples: epochs slow enough that six seconds of progress lines fit in the stderr pipe, which
        // this test reads only once the run is over.
        using Process train = Start("train", "--samples", "200000", "--epochs", "100000000", "--max-time", "6s", "--log-every", "100", "--tensorboard", "tb");
        Processes.WaitForStderrLine(train, "Epoch: 101 ");
        // The log's first records are written on a thread of their own: delete the folder once they are there.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!(Directory.Exists(_dir.File("tb")) && Directory.GetFiles(_dir.File("tb"), "events.out.tfevents.*").Length > 0) && DateTime.UtcNow < deadline)
            Thread.Sleep(20);
        Directory.Delete(_dir.File("tb"), recursive: true);

        Assert.True(train.WaitForExit(TimeSpan.FromSeconds(60)));
        string stderr = train.StandardError.ReadToEnd();
        Assert.True(train.ExitCode == 1, stderr);
        Assert.Contains("addmlp: the TensorBoard log in 'tb' stopped after", stderr);
        Assert.Single(stderr.Split('\n'), line => line.StartsWith("addmlp: the TensorBoard log", StringComparison.Ordinal));
        Assert.DoesNotContain("Exception", stderr);
        Assert.Equal(TrainStatus.TimeLimit, ModelFile.Load(_dir.File("addmlp-model.json")).Training!.Outcome.Status); // the run is saved
        Assert.True(File.Exists(_dir.File("addmlp-loss.json")));
    }

    [Fact]
    public void Runs_started_together_on_one_TensorBoard_folder_each_write_their_own_log()
    {
        Process[] runs = [.. Enumerable.Range(0, 6).Select(i => Start("train", "--epochs", "300", "--quiet", "--seed", $"{i}", "--model", $"m{i}.json", "--loss-curve", $"c{i}.json", "--tensorboard", "tb"))];

        foreach (Process run in runs)
        {
            Assert.True(run.WaitForExit(TimeSpan.FromSeconds(120)));
            Assert.True(run.ExitCode == 0, run.StandardError.ReadToEnd());
            run.Dispose();
        }
        Assert.Equal(6, Directory.GetFiles(_dir.File("tb"), "events.out.tfevents.*").Length);
        Assert.All(Enumerable.Range(0, 6), i => Assert.True(File.Exists(_dir.File($"m{i}.json"))));
    }

    [Fact]
    public void A_file_size_limit_is_an_IO_error_that_leaves_every_file_as_it_was()
    {
        Assert.Equal(0, Cli.Run(_dir.Path, "train", "--quiet", "--epochs", "5").ExitCode);
        byte[] model = File.ReadAllBytes(_dir.File("addmlp-model.json"));

        (int exit, string stderr) = ShellWithStderr($"ulimit -f 30; exec {Quote(Cli.Command)} train --quiet --epochs 3000 --tensorboard tb");

        Assert.True(exit == 1, stderr);
        Assert.Matches("^addmlp: I/O error: File too large", stderr);
        Assert.Equal(model, File.ReadAllBytes(_dir.File("addmlp-model.json")));
        Assert.DoesNotContain(_dir.Files(), f => f.StartsWith(".addmlp-", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("ulimit -n 8", "train --epochs 5", "this process may have only 8 files open (ulimit -n 8); addmlp needs at least 16")]
    [InlineData("ulimit -n 8", "predict 1 2", "this process may have only 8 files open (ulimit -n 8)")]
    [InlineData("ulimit -v 150000", "info", "this process may map only 146 MiB of memory (ulimit -v 150000); libtorch needs at least 2048 MiB")]
    [InlineData("ulimit -v 600000", "train --epochs 5", "this process may map only 585 MiB of memory (ulimit -v 600000); libtorch needs at least 2048 MiB: raise it")]
    public void A_resource_limit_too_low_to_run_is_exit_3_naming_the_limit(string limit, string command, string message)
    {
        (int exit, string stderr) = ShellWithStderr($"{limit}; exec {Quote(Cli.Command)} {command}");

        Assert.True(exit == 3, stderr);
        Assert.Equal($"addmlp: {message}", stderr.Split('\n')[0][..$"addmlp: {message}".Length]);
        Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Empty(_dir.Files());
    }

    [Fact]
    public void What_train_writes_for_a_4_million_parameter_network_every_command_reads_back()
    {
        CliResult train = Cli.Run(_dir.Path, "train", "--quiet", "--hidden", "2048,2048", "--samples", "8", "--epochs", "1");

        Assert.True(train.ExitCode == 0, train.ToString());
        Assert.InRange(new FileInfo(_dir.File("addmlp-model.json")).Length, 64L << 20, 256L << 20); // past the old 64 MiB limit
        CliResult predict = Cli.Run(_dir.Path, "predict", "0.3", "0.5");
        Assert.True(predict.ExitCode == 0, predict.ToString());
        Assert.Equal(0, Cli.Run(_dir.Path, "train", "--quiet", "--resume", "addmlp-model.json", "--epochs", "2").ExitCode);
    }

    [Fact]
    public void A_huge_epoch_count_stopped_by_max_time_is_not_refused_for_memory()
    {
        CliResult result = Cli.Run(_dir.Path, "train", "--quiet", "--samples", "1", "--epochs", "2147483647", "--max-time", "2s");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(TrainStatus.TimeLimit, ModelFile.Load(_dir.File("addmlp-model.json")).Training!.Outcome.Status);
    }

    private Process Start(params string[] args) => _runs.Start(Cli.Start(_dir.Path, args));

    private (int Exit, string Stderr) ShellWithStderr(string script)
    {
        var start = new ProcessStartInfo("bash", ["-c", script]) { WorkingDirectory = _dir.Path, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        using Process process = Process.Start(start)!;
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(3)), $"timed out: {script}");
        return (process.ExitCode, stderr.Result);
    }

    private int Shell(string script)
    {
        var start = new ProcessStartInfo("bash", ["-c", script]) { WorkingDirectory = _dir.Path, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        using Process process = Process.Start(start)!;
        process.StandardOutput.ReadToEnd();
        process.StandardError.ReadToEnd();
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(3)), $"timed out: {script}");
        return process.ExitCode;
    }

    private static string Quote(string[] command) => string.Join(' ', command.Select(c => $"'{c.Replace("'", "'\\''")}'"));

}

/// <summary>A test that mounts a tmpfs (a small disk to fill, an empty /proc): it needs root and a kernel that lets this process mount; skipped, saying why, where it cannot.</summary>
public sealed class MountFactAttribute : FactAttribute
{
    public MountFactAttribute()
    {
        if (!CanMountTmpfs())
            Skip = "cannot mount a tmpfs here (needs root and CAP_SYS_ADMIN): this case is not run";
    }

    private static int Run(string program, params string[] args)
    {
        using Process process = Process.Start(new ProcessStartInfo(program, args) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false })!;
        process.StandardOutput.ReadToEnd();
        process.StandardError.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode;
    }

    private static bool CanMountTmpfs()
    {
        if (!OperatingSystem.IsLinux() || Environment.UserName != "root")
            return false;
        string dir = Directory.CreateTempSubdirectory("addmlp-tmpfs-probe-").FullName;
        try
        {
            if (Run("mount", "-t", "tmpfs", "-o", "size=16k", "tmpfs", dir) != 0)
                return false;
            Run("umount", dir);
            return true;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
        finally
        {
            Directory.Delete(dir);
        }
    }
}
