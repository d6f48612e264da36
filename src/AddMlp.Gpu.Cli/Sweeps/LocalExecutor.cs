using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace AddMlp.Gpu.Cli;

/// <summary>How a sweep's trials run: where, how many at once, how often they save, what is run again.</summary>
/// <param name="Devices">The devices trials go to in turn (cuda:0..N-1 on a GPU sweep; cpu or auto otherwise).</param>
/// <param name="TensorBoard">A folder for the trials' TensorBoard logs, one sub-folder per trial; null for none.</param>
internal sealed record SweepRun(int Jobs, IReadOnlyList<DeviceRequest> Devices, int CheckpointEvery, bool RetryFailed, string? TensorBoard);

/// <summary>
/// Runs a sweep's trials on this machine: each is an `addmlp train` process of its own (single-threaded unless
/// the plan says otherwise), <see cref="SweepRun.Jobs"/> at a time. A trial is skipped when done (or diverged,
/// a result too), continued from its saved run when stopped, run again after a failure only when asked, and
/// left alone while another process runs it. On Ctrl+C every running trial finishes its epoch and saves.
/// </summary>
internal sealed partial class LocalExecutor(CliContext context, SweepFolder folder, IReadOnlyList<string> varying, SweepRun run)
{
    /// <summary>How long a trial is given to stop on its own (it got the terminal's or Slurm's signal too) before it is sent SIGTERM.</summary>
    private static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(2);

    private readonly Lock _lock = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private int _done, _running, _failed, _finishedHere, _todo;
    private (double Loss, string Label)? _best;

    /// <summary>Runs what is left of <paramref name="trials"/>; the exit code: 0, 1 when a trial failed, 130 when interrupted.</summary>
    public async Task<int> RunAsync(IReadOnlyList<SweepTrial> trials)
    {
        var todo = new List<SweepTrial>();
        foreach (SweepTrial trial in trials)
        {
            switch (folder.Trial(trial).Status())
            {
                case TrialStatus.Done or TrialStatus.Diverged:
                    _done++;
                    Consider(trial);
                    break;
                case TrialStatus.Failed when !run.RetryFailed:
                    _failed++;
                    break;
                case TrialStatus.Running:
                    context.WriteErrLine($"addmlp: trial {trial.Id} is running in another process: left to it");
                    break;
                default:
                    todo.Add(trial);
                    break;
            }
        }
        _todo = todo.Count;
        if (todo.Count == 0)
        {
            Say($"sweep: nothing to run: {_done} of {trials.Count} trials done{(_failed > 0 ? $", {_failed} failed (--retry-failed runs them again)" : "")}");
            return _failed > 0 ? ExitCodes.RunFailed : ExitCodes.Ok;
        }
        Say($"sweep: {todo.Count} of {trials.Count} trials to run, {Math.Min(run.Jobs, todo.Count)} at a time, in {folder.Path}");
        using var slots = new SemaphoreSlim(run.Jobs);
        var tasks = new List<Task>();
        int next = 0;
        foreach (SweepTrial trial in todo)
        {
            await slots.WaitAsync().ConfigureAwait(false);
            if (context.Interrupt.IsCancellationRequested)
            {
                slots.Release();
                break;
            }
            DeviceRequest device = run.Devices[next++ % run.Devices.Count];
            tasks.Add(Task.Run(async () =>
            {
                try
                {
                    await RunTrialAsync(trial, device).ConfigureAwait(false);
                }
                finally
                {
                    slots.Release();
                }
            }));
        }
        await Task.WhenAll(tasks).ConfigureAwait(false);
        context.Status?.Clear();
        string best = _best is var (loss, label) ? $"; best final loss {Numbers.Loss(loss)} ({label})" : "";
        if (context.Interrupt.IsCancellationRequested)
        {
            context.Report($"interrupted: {_done} of {trials.Count} trials done, the running ones saved; run the same sweep again to go on");
            return ExitCodes.Interrupted;
        }
        Say($"sweep: {_done} of {trials.Count} trials done, {_failed} failed{best}; `addmlp sweep report {folder.Path}` tabulates them");
        return _failed > 0 ? ExitCodes.RunFailed : ExitCodes.Ok;
    }

    private async Task RunTrialAsync(SweepTrial trial, DeviceRequest device)
    {
        TrialFolder trialFolder = folder.Trial(trial);
        using FileStream? held = trialFolder.TryLock();
        if (held is null)
            return; // another process took it meanwhile
        TrialStatus status = trialFolder.Status(checkLock: false);
        if (status is TrialStatus.Done or TrialStatus.Diverged)
            return;
        string[] words = status == TrialStatus.Stopped
            ? ["train", "--resume", trialFolder.Model, "--epochs", trial.Options.Epochs.ToString(System.Globalization.CultureInfo.InvariantCulture)]
            : ["train", "--config", trialFolder.Config, "--model", trialFolder.Model, "--device", device.ToString()];
        words = [.. words, "--loss-curve", trialFolder.LossCurve, "--checkpoint-every", run.CheckpointEvery.ToString(System.Globalization.CultureInfo.InvariantCulture), "--quiet",
            .. run.TensorBoard is string logs ? ["--tensorboard", Path.Combine(logs, trial.Id)] : Array.Empty<string>()];
        lock (_lock)
            _running++;
        if (status == TrialStatus.Stopped && context.Status is null)
            Say($"trial {trial.Id}: continuing from epoch {EpochsRun(trialFolder)} ({trial.Label(varying)})");
        Show();
        int exit = await TrainAsync(words, trialFolder).ConfigureAwait(false);
        lock (_lock)
        {
            _running--;
            TrialStatus now = trialFolder.Status(checkLock: false);
            if (now is TrialStatus.Done or TrialStatus.Diverged)
            {
                File.Delete(trialFolder.Failure);
                _done++;
                _finishedHere++;
                Consider(trial);
                if (context.Status is null)
                    Say($"trial {trial.Id} {Describe(trialFolder, now)} ({trial.Label(varying)})");
            }
            else if (exit != ExitCodes.Interrupted)
            {
                _failed++;
                string reason = LastLine(trialFolder.Log) ?? $"train exited with {exit}";
                SweepFolder.WriteAtomically(trialFolder.Failure, CliJson.Serialize(new TrialFailure(exit, reason)));
                context.Report($"trial {trial.Id} failed ({trial.Label(varying)}): {reason.Replace("addmlp: ", "")}");
            }
        }
        Show();
    }

    /// <summary>
    /// Runs `addmlp train` with <paramref name="words"/>, its messages into the trial's train.log. On Ctrl+C it is
    /// given time to stop by itself, then SIGTERM (which train takes as it takes Ctrl+C; SIGINT may be ignored
    /// in a process started in the background), so that it is not signalled twice (a second signal quits at once).
    /// </summary>
    private async Task<int> TrainAsync(string[] words, TrialFolder trialFolder)
    {
        var start = new ProcessStartInfo(Self.Executable) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (string word in Self.Prefix.Concat(words))
            start.ArgumentList.Add(word);
        using Process process = Process.Start(start) ?? throw new IOException("could not start addmlp train");
        File.WriteAllText(trialFolder.Pid, process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Task<string> messages = process.StandardError.ReadToEndAsync(), output = process.StandardOutput.ReadToEndAsync();
        await using CancellationTokenRegistration stop = context.Interrupt.Register(() => _ = Task.Delay(StopGrace).ContinueWith(_ =>
        {
            if (!process.HasExited)
                Kill(process.Id, SignalTerminate);
        }, TaskScheduler.Default));
        await process.WaitForExitAsync().ConfigureAwait(false);
        File.Delete(trialFolder.Pid);
        await Task.WhenAll(messages, output).ConfigureAwait(false);
        await File.AppendAllTextAsync(trialFolder.Log, await messages.ConfigureAwait(false)).ConfigureAwait(false);
        return process.ExitCode;
    }

    private void Consider(SweepTrial trial)
    {
        if (FinalLoss(folder.Trial(trial)) is double loss && double.IsFinite(loss) && (_best is null || loss < _best.Value.Loss))
            _best = (loss, trial.Label(varying));
    }

    /// <summary>The status line on a terminal: done, running, failed, best so far, time left.</summary>
    private void Show()
    {
        if (context.Status is null)
            return;
        string left = _finishedHere > 0 && _todo > _finishedHere
            ? $", {(_clock.Elapsed / _finishedHere * (_todo - _finishedHere)).ToString(@"hh\:mm\:ss", System.Globalization.CultureInfo.InvariantCulture)} left"
            : "";
        string best = _best is var (loss, _) ? $", best {Numbers.Loss(loss)}" : "";
        context.Status.Show($"sweep: {_done} done, {_running} running, {_failed} failed{best}{left}");
    }

    private void Say(string line) => context.WriteErrLine(line);

    private static string Describe(TrialFolder trialFolder, TrialStatus status) =>
        status == TrialStatus.Diverged ? "diverged" : $"done: final loss {(FinalLoss(trialFolder) is double loss ? Numbers.Loss(loss) : "?")}";

    /// <summary>The last epoch's loss a trial recorded (its loss curve's last value), or null.</summary>
    public static double? FinalLoss(TrialFolder trialFolder)
    {
        if (!File.Exists(trialFolder.LossCurve))
            return null;
        using JsonDocument curve = JsonDocument.Parse(File.ReadAllText(trialFolder.LossCurve));
        JsonElement loss = curve.RootElement.GetProperty("loss");
        return loss.GetArrayLength() == 0 ? null : loss[loss.GetArrayLength() - 1].ValueKind == JsonValueKind.Number ? loss[loss.GetArrayLength() - 1].GetDouble() : double.NaN;
    }

    /// <summary>The epochs a trial's saved run has run.</summary>
    private static int? EpochsRun(TrialFolder trialFolder)
    {
        using JsonDocument model = JsonDocument.Parse(File.ReadAllText(trialFolder.Model));
        return model.RootElement.GetProperty("training").GetProperty("epochs_run").GetInt32();
    }

    private static string? LastLine(string path) =>
        File.Exists(path) ? File.ReadLines(path).LastOrDefault(l => l.Trim().Length > 0) : null;

    private const int SignalTerminate = 15;

    [LibraryImport("libc", EntryPoint = "kill")]
    private static partial int Kill(int pid, int signal);
}

/// <summary>A failed trial's failure.json: train's exit code and its last message.</summary>
internal sealed record TrialFailure(int ExitCode, string Message);
