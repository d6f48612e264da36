using System.CommandLine;
using System.Globalization;

namespace AddMlp.Gpu.Cli;

/// <summary>
/// `addmlp sweep`: many train runs over a grid or a random search of train's own options, each in a folder of
/// its own, on this machine or as a Slurm job array; `sweep status` and `sweep report` read the folder.
/// </summary>
public static class SweepCommand
{
    public const string DefaultFolder = "addmlp-sweep";

    public static Command Create(CliContext context)
    {
        var dir = new Option<string>("--dir") { Description = "The sweep's folder: its plan, and a folder per trial", DefaultValueFactory = _ => DefaultFolder, HelpName = "DIR" };
        var plan = new Option<string?>("--plan") { Description = "Read the plan from this sweep file (JSON or YAML: grid, random, set, seeds; see docs/sweeps.md)", HelpName = "FILE" };
        Option<string[]> grid = Assignments("--grid", "A grid axis: a train option and its values, e.g. lr=0.1,0.01 or \"hidden=default;16;16,16\" (';' when the values hold commas; default: train's default)", "NAME=VALUES");
        Option<int?> random = SharedOptions.OptionalWhole("--random", 1, 1_000_000, "A random search of N trials over the --uniform, --log-uniform and --choice axes");
        Option<string[]> uniform = Assignments("--uniform", "A random axis drawn uniformly, e.g. momentum=0:0.9", "NAME=LO:HI");
        Option<string[]> logUniform = Assignments("--log-uniform", "A random axis drawn uniformly in the logarithm (for rates), e.g. lr=1e-4:1e-1", "NAME=LO:HI");
        Option<string[]> choice = Assignments("--choice", "A random axis drawn from a list, e.g. optimizer=adam,sgd", "NAME=VALUES");
        Option<int> sampleSeed = SharedOptions.AtLeast("--sample-seed", 0, 0, "Seed of the random search's draws (not the trials' --seed)");
        Option<string[]> set = Assignments("--set", "A train option for every trial, e.g. epochs=2000", "NAME=VALUE");
        Option<int> seeds = SharedOptions.AtLeast("--seeds", 1, 1, "Run every setting with N seeds: its --seed (42 by default) and the next N-1", max: 10_000);
        Option<int> jobs = SharedOptions.AtLeast("--jobs", Environment.ProcessorCount, 1, "Trials at once on this machine, each single-threaded (default: the cores)", max: 1024);
        Option<DeviceRequest> device = SharedOptions.Device(DeviceRequest.Cpu, "Where trials train: cpu, cuda (spread over every GPU, cuda:0..N-1), cuda:N, or auto (every GPU if CUDA is available, else the CPU)");
        Option<int> checkpointEvery = SharedOptions.AtLeast("--checkpoint-every", 1000, 1, "Each trial saves its run every N epochs, so that a killed or preempted trial continues from there");
        var retryFailed = new Option<bool>("--retry-failed") { Description = "Run failed trials again (they are skipped otherwise; a diverged trial is a result, not a failure)" };
        var dryRun = new Option<bool>("--dry-run") { Description = "List the trials (with --slurm: print the sbatch script) and stop, writing nothing" };
        var tensorboard = new Option<string?>("--tensorboard") { Description = "Log every trial for TensorBoard, one sub-folder of DIR per trial", HelpName = "DIR" };
        var slurm = new Option<bool>("--slurm") { Description = "Run the sweep as a Slurm job array: write DIR/sweep.sbatch and submit it with sbatch" };
        var sbatch = new Option<string[]>("--sbatch") { Description = "An sbatch option for the job array, e.g. --sbatch=--partition=gpu --sbatch=--gres=gpu:1 (repeatable)", HelpName = "OPTION", Arity = ArgumentArity.ZeroOrMore };
        Option<int?> throttle = SharedOptions.OptionalWhole("--throttle", 1, 100_000, "With --slurm: at most K array tasks at once (sbatch's %K)", "K");
        Option<int?> shards = SharedOptions.OptionalWhole("--shards", 1, 1_000_000, "Split the trials into N shares (with --slurm: one array task each; default one per trial)");
        Option<int?> shard = SharedOptions.OptionalWhole("--shard", 0, 999_999, "Run share I of --shards N (default: SLURM_ARRAY_TASK_ID, or a Kubernetes Indexed Job's JOB_COMPLETION_INDEX)", "I");

        var command = new Command("sweep", "Train many runs over a grid or random search of train's options, locally or as a Slurm job array; resumable.\n\nExample: addmlp sweep --grid lr=0.1,0.01 --grid \"hidden=default;16\" --seeds 3, then addmlp sweep report addmlp-sweep")
        {
            dir, plan, grid, random, uniform, logUniform, choice, sampleSeed, set, seeds, jobs, device, checkpointEvery, retryFailed, dryRun, tensorboard,
            slurm, sbatch, throttle, shards, shard,
            StatusCommand(context), ReportCommand(context),
        };
        command.SetAction(async (parse, _) =>
        {
            var reader = new SweepPlanReader();
            var folder = new SweepFolder(parse.GetValue(dir)!);
            SweepPlan? given = reader.FromCommandLine(parse.GetValue(grid)!, parse.GetValue(random), parse.GetValue(uniform)!, parse.GetValue(logUniform)!,
                parse.GetValue(choice)!, parse.GetValue(sampleSeed), parse.GetValue(set)!, parse.GetValue(seeds));
            if (parse.GetValue(plan) is string file)
                given = given is null ? reader.FromFile(file) : throw new UsageException("--plan gives the whole plan: drop --grid, --random, --set and --seeds, or drop --plan");
            SweepPlan chosen = given ?? folder.ReadPlan(reader)
                ?? throw new UsageException($"no plan: give one (--grid lr=0.1,0.01, --plan FILE), or --dir a sweep folder that holds one ('{folder.Path}' does not)");
            IReadOnlyList<SweepTrial> trials = SweepTrial.Resolve(chosen, reader);
            IReadOnlyList<string> varying = chosen.Varying;
            int? shardCount = parse.GetValue(shards);
            if (parse.GetValue(slurm))
                return Slurm(context, folder, chosen, trials, reader, shardCount ?? trials.Count, parse.GetValue(throttle), parse.GetValue(device),
                    parse.GetValue(checkpointEvery), [.. parse.GetValue(sbatch)!.Select(SlurmScript.CheckOption)], parse.GetValue(dryRun));
            (int index, int count) = Share(parse.GetValue(shard), shardCount);
            IReadOnlyList<SweepTrial> mine = [.. trials.Where(t => t.Index % count == index)];
            if (parse.GetValue(dryRun))
            {
                foreach (SweepTrial trial in mine)
                    context.Out.WriteLine($"{trial.Index + 1,4}  {trial.Id}  {trial.Label(varying)}");
                context.WriteErrLine($"sweep: {mine.Count} trial{(mine.Count == 1 ? "" : "s")}{(count > 1 ? $" (share {index} of {count})" : "")}, nothing run or written");
                return ExitCodes.Ok;
            }
            folder.Prepare(chosen, trials, reader);
            if (parse.GetValue(tensorboard) is string logs)
                OutputPath.CheckFolder(logs, "--tensorboard");
            var run = new SweepRun(parse.GetValue(jobs), DevicesFor(parse.GetValue(device)), parse.GetValue(checkpointEvery), parse.GetValue(retryFailed), parse.GetValue(tensorboard));
            return await new LocalExecutor(context, folder, varying, run).RunAsync(mine);
        });
        return command;
    }

    /// <summary>A repeatable NAME=VALUE option.</summary>
    private static Option<string[]> Assignments(string name, string description, string helpName) =>
        new(name) { Description = description, HelpName = helpName, Arity = ArgumentArity.ZeroOrMore, DefaultValueFactory = _ => [] };

    /// <summary>Which share of the trials this process runs: --shard of --shards, else the job array's task (Slurm, Kubernetes), else all.</summary>
    private static (int Index, int Count) Share(int? shard, int? shards)
    {
        string? fromEnvironment = Environment.GetEnvironmentVariable("SLURM_ARRAY_TASK_ID") ?? Environment.GetEnvironmentVariable("JOB_COMPLETION_INDEX");
        int? index = shard ?? (int.TryParse(fromEnvironment, NumberStyles.None, CultureInfo.InvariantCulture, out int task) ? task : null);
        if (index is null && shards is null)
            return (0, 1);
        if (index is null || shards is null)
            throw new UsageException("--shard I runs share I of --shards N: give both (or run under a job array, whose task id is the share)");
        if (index >= shards)
            throw new UsageException($"--shard {index} is not a share of --shards {shards} (0 to {shards - 1})");
        return (index.Value, shards.Value);
    }

    /// <summary>The devices trials go to in turn: every GPU for cuda (or auto with CUDA), else the one asked for.</summary>
    private static IReadOnlyList<DeviceRequest> DevicesFor(DeviceRequest requested)
    {
        if (requested.Kind == DeviceKind.Cpu || requested.Index is not null)
            return [requested];
        if (requested.Kind == DeviceKind.Auto && Devices.WhyCudaUnavailable() is not null)
            return [DeviceRequest.Cpu];
        int count = Devices.Resolve(DeviceRequest.Cuda).IsCuda ? Devices.CudaDeviceCount() : 0;
        return [.. Enumerable.Range(0, Math.Max(1, count)).Select(DeviceRequest.CudaDevice)];
    }

    private static int Slurm(CliContext context, SweepFolder folder, SweepPlan plan, IReadOnlyList<SweepTrial> trials, SweepPlanReader reader,
        int shards, int? throttle, DeviceRequest device, int checkpointEvery, IReadOnlyList<string> sbatchOptions, bool dryRun)
    {
        string script = SlurmScript.For(folder, Math.Min(shards, trials.Count), throttle, device, checkpointEvery, sbatchOptions);
        if (dryRun)
        {
            context.Out.Write(script);
            return ExitCodes.Ok;
        }
        folder.Prepare(plan, trials, reader);
        Directory.CreateDirectory(Path.Combine(folder.Path, "slurm"));
        string path = Path.Combine(folder.Path, "sweep.sbatch");
        SweepFolder.WriteAtomically(path, script);
        string submitted = SlurmScript.Submit(path);
        context.Out.WriteLine(submitted);
        context.WriteErrLine($"sweep: {trials.Count} trials as a job array of {Math.Min(shards, trials.Count)} tasks ({path}); `addmlp sweep status {folder.Path}` follows it");
        return ExitCodes.Ok;
    }

    private static Command StatusCommand(CliContext context)
    {
        var dir = new Argument<string>("DIR") { Description = "The sweep's folder", DefaultValueFactory = _ => DefaultFolder };
        var command = new Command("status", "What a sweep has done, what is running (from its files, and squeue where Slurm runs) and what failed") { dir };
        command.SetAction(parse =>
        {
            var folder = new SweepFolder(parse.GetValue(dir)!);
            var reader = new SweepPlanReader();
            SweepPlan plan = folder.ReadPlan(reader) ?? throw new UsageException($"'{folder.Path}' holds no sweep (no sweep.json): give a sweep's folder");
            IReadOnlyList<SweepTrial> trials = SweepTrial.Resolve(plan, reader);
            var states = trials.Select(t => (Trial: t, Status: folder.Trial(t).Status())).ToArray();
            context.Out.WriteLine($"{trials.Count} trials: " + string.Join(", ", Enum.GetValues<TrialStatus>()
                .Select(s => (s, n: states.Count(x => x.Status == s))).Where(x => x.n > 0).Select(x => $"{x.n} {EnumNames<TrialStatus>.Of(x.s)}")));
            foreach (var (trial, status) in states.Where(x => x.Status is TrialStatus.Running or TrialStatus.Failed or TrialStatus.Stopped))
                context.Out.WriteLine($"  {EnumNames<TrialStatus>.Of(status),-8} {trial.Id}  {trial.Label(plan.Varying)}");
            if (SlurmQueue() is string queue)
                context.Out.Write(queue);
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>squeue's lines for the sweep's job arrays, or null where Slurm is not installed.</summary>
    private static string? SlurmQueue()
    {
        var start = new System.Diagnostics.ProcessStartInfo("squeue") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string word in (string[])["-h", "-n", "addmlp-sweep", "-o", "  slurm %i %T %M"])
            start.ArgumentList.Add(word);
        try
        {
            using var process = System.Diagnostics.Process.Start(start);
            if (process is null)
                return null;
            string output = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            return process.ExitCode == 0 ? output : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }

    private static Command ReportCommand(CliContext context)
    {
        var dir = new Argument<string>("DIR") { Description = "The sweep's folder", DefaultValueFactory = _ => DefaultFolder };
        Option<Choice<SweepMetric>> sort = SharedOptions.Choice("--sort", SweepMetric.FinalLoss, "Sort the trials by this, smallest first");
        Option<Choice<ReportFormat>> format = SharedOptions.Choice("--format", ReportFormat.Table, "table (aligned), csv, json or markdown");
        var plot = new Option<string?>("--plot") { Description = "Also draw the best trials' loss curves over each other to FILE (.png or .svg)", HelpName = "FILE" };
        Option<int> top = SharedOptions.AtLeast("--top", 5, 1, "How many of the best trials --plot draws", max: 20);
        var command = new Command("report", "One table of a sweep's trials: the options that vary, final loss, best val_loss, eval's MAE in and out of the training range, epochs, status, time") { dir, sort, format, plot, top };
        command.SetAction(parse =>
        {
            var folder = new SweepFolder(parse.GetValue(dir)!);
            var reader = new SweepPlanReader();
            SweepPlan plan = folder.ReadPlan(reader) ?? throw new UsageException($"'{folder.Path}' holds no sweep (no sweep.json): give a sweep's folder");
            string? plotPath = parse.GetValue(plot);
            if (plotPath is not null)
                LossCurvePlot.CheckTarget(plotPath, "--plot");
            IReadOnlyList<SweepTrial> trials = SweepTrial.Resolve(plan, reader);
            SweepMetric metric = parse.GetValue(sort).Value;
            IReadOnlyList<TrialRow> rows = SweepReport.Sorted(SweepReport.Rows(folder, trials, plan.Varying, context.Interrupt), metric);
            if (plotPath is not null)
            {
                using var files = new OutputFiles(context.Interrupt);
                LossCurvePlot.StageCurves(files, SweepReport.Curves(folder, trials, rows, plan.Varying, parse.GetValue(top)), plotPath,
                    $"addmlp sweep {Path.GetFileName(Path.GetFullPath(folder.Path))}: the {parse.GetValue(top)} best by {EnumNames<SweepMetric>.Of(metric)}");
                files.Commit();
            }
            context.Out.Write(SweepReport.Format(rows, plan.Varying, parse.GetValue(format).Value));
            return ExitCodes.Ok;
        });
        return command;
    }
}
