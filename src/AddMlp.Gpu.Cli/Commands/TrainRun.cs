namespace AddMlp.Gpu.Cli;

/// <summary>How a training run is shown: none of it changes the run or what it saves.</summary>
internal sealed record TrainDisplay(int LogEvery, bool Json, bool Quiet);

/// <summary>Where a training run starts and when it stops or saves on the way: none of it changes what it computes.</summary>
internal sealed record RunControl(ResumePoint? Resume, int? CheckpointEvery, TimeSpan? MaxTime);

/// <summary>`addmlp train` once its options are read: checks its outputs, runs, saves, and says how it went.</summary>
internal static class TrainRun
{
    public static int Run(CliContext context, TrainOptions options, TrainOutputs outputs, (string Option, string Path)[] inputs, TrainDisplay display, RunControl run)
    {
        // A network too large for the files addmlp reads back is refused before the run, not found out after it.
        long networkBytes = ModelFile.LargestFileBytes(options with { Epochs = 1 });
        if (networkBytes > ModelFile.MaxBytes)
            throw new UsageException($"{options.Architecture} has {options.Architecture.ParameterCount:N0} parameters: its model file would take {networkBytes >> 20:N0} MiB, more than the {ModelFile.MaxBytes >> 20} MiB addmlp reads back; use fewer or narrower --hidden layers");
        // The history grows with the run, and so do its files: a run stops (status size_limit, saved) at the
        // most epochs whose files addmlp still reads back, rather than write files no command can read.
        int epochsThatFit = LargestEpochsThatFit(options);
        if (run.Resume is { } resumed && epochsThatFit <= resumed.EpochsRun)
            throw new UsageException($"--resume: the run has {resumed.EpochsRun:N0} epochs, as many as its files can hold and still be read back ({ModelFile.MaxBytes >> 20} MiB): it cannot go on");
        OutputPath.CheckWritable(outputs.Model, "--model");
        OutputPath.CheckWritable(outputs.LossCurve, "--loss-curve");
        if (outputs.Plot is not null)
            LossCurvePlot.CheckTarget(outputs.Plot, "--plot");
        var paths = new List<(string, string)> { ("--model", outputs.Model), ("--loss-curve", outputs.LossCurve) };
        if (outputs.Plot is not null)
            paths.Add(("--plot", outputs.Plot));
        if (outputs.CsvLog is not null)
        {
            OutputPath.CheckWritable(outputs.CsvLog, "--csv-log");
            paths.Add(("--csv-log", outputs.CsvLog));
        }
        PathIdentity.CheckDistinct([.. paths]);
        PathIdentity.CheckNoInputOverwritten([.. paths], inputs, mayReplace: ("--model", "--resume")); // a resumed run goes on in its file
        if (outputs.TensorBoard is not null)
            OutputPath.CheckFolder(outputs.TensorBoard, "--tensorboard");
        using TensorBoardLog? tensorboard = outputs.TensorBoard is null ? null : new TensorBoardLog(outputs.TensorBoard);
        using CsvLog? csvLog = outputs.CsvLog is null ? null : new CsvLog(outputs.CsvLog, options, run.Resume);

        // On a terminal a live bar replaces the tutorial's lines; redirected, the lines stay (logs, pipes, tests).
        ProgressBar? bar = !display.Quiet && context.Status is not null ? new ProgressBar(context.Status, options.Epochs) : null;
        IProgress<EpochLoss>? progress = display.Quiet ? null : bar ?? (IProgress<EpochLoss>)new EpochLogPrinter(context.Err);
        int reportEvery = bar is null ? display.LogEvery : ProgressBar.ReportEvery(options.Epochs, display.LogEvery);
        int lastCheckpoint = 0;
        var control = new TrainControl
        {
            Progress = progress,
            ReportEvery = reportEvery,
            Cancellation = context.Interrupt,
            MaxTime = run.MaxTime,
            ResumeFrom = run.Resume,
            OnRecords = tensorboard is null && csvLog is null ? null : records =>
            {
                tensorboard?.Write(records);
                csvLog?.Write(records);
            },
            CheckpointEvery = run.CheckpointEvery,
            MaxEpochs = epochsThatFit < options.Epochs ? epochsThatFit : null,
            OnCheckpoint = snapshot =>
            {
                Save(snapshot, outputs, plot: false);
                lastCheckpoint = snapshot.EpochsRun;
            },
        };
        TrainResult result;
        try
        {
            result = Trainer.Train(options, control);
        }
        finally
        {
            bar?.Finish();
        }

        // The log is written beside the run: wait for its last records, and fail the run (after saving the rest) if it could not be.
        string? logFailure = null;
        try
        {
            tensorboard?.Complete();
        }
        catch (IOException e)
        {
            logFailure = e.Message;
        }
        logFailure ??= csvLog?.Failure;
        int exitCode = Conclude(context, options, outputs, display, result, lastCheckpoint);
        if (logFailure is null)
            return exitCode;
        context.Report($"{logFailure}; give {(csvLog?.Failure == logFailure ? "--csv-log a file" : "--tensorboard a folder")} with room, or drop it");
        return exitCode == ExitCodes.Ok ? ExitCodes.RunFailed : exitCode;
    }

    /// <summary>The most epochs (up to the run's own) whose files stay within <see cref="ModelFile.MaxBytes"/>, by their upper bound.</summary>
    private static int LargestEpochsThatFit(TrainOptions options)
    {
        int low = 0, high = options.Epochs;
        while (low < high)
        {
            int middle = (int)(low + ((long)high - low + 1) / 2);
            if (ModelFile.LargestFileBytes(options with { Epochs = middle }) <= ModelFile.MaxBytes)
                low = middle;
            else
                high = middle - 1;
        }
        return low;
    }

    /// <summary>What a run that ended writes and says, and its exit code.</summary>
    private static int Conclude(CliContext context, TrainOptions options, TrainOutputs outputs, TrainDisplay display, TrainResult result, int lastCheckpoint)
    {
        string resumeHint = $"; continue with `addmlp train --resume {outputs.Model}`";
        if (result.Status is TrainStatus.Interrupted or TrainStatus.TimeLimit && result.EpochsRun == result.ResumedAt)
        {
            // Nothing was learned: an untrained model must not replace a trained one.
            string why = result.Status == TrainStatus.TimeLimit ? "--max-time was up" : "interrupted";
            context.Report($"{why} before the first epoch ended; nothing written{Kept(outputs.Model)}");
            return result.Status == TrainStatus.TimeLimit ? ExitCodes.Ok : ExitCodes.Interrupted;
        }
        if (result.Status == TrainStatus.Diverged)
        {
            // The weights are useless: keep whatever model file was there, but show how the loss went.
            LossCurveFile.Save(outputs.LossCurve, LossCurveDocument.From(result));
            double largest = Math.Max(Math.Abs(options.Range.Low), Math.Abs(options.Range.High));
            string advice = largest > 1e3
                ? $"inputs as large as {Numbers.Plain(largest)} make float32 losses overflow: scale them down (a narrower --range) or try a smaller --lr"
                : "try a smaller --lr";
            string kept = lastCheckpoint > 0 ? $"{outputs.Model} keeps the checkpoint of epoch {lastCheckpoint}"
                : File.Exists(outputs.Model) ? $"the previous {outputs.Model} is kept" : "no model written";
            context.Report($"training diverged at epoch {result.EpochsRun} (loss = {Numbers.Loss(result.FinalLoss)}); {advice} ({kept}; loss curve in {outputs.LossCurve})");
            return ExitCodes.RunFailed;
        }

        ModelDocument written = Save(result, outputs, plot: true);
        if (display.Json)
            context.Out.WriteLine(TrainSummary.Json(result, written, outputs));
        else if (!display.Quiet)
            TrainSummary.Print(context.Out, result, outputs);
        if (result.Status == TrainStatus.Interrupted)
        {
            context.Report($"interrupted after epoch {result.EpochsRun} of {options.Epochs}; wrote the model and loss curve so far (status \"interrupted\"){resumeHint}");
            return ExitCodes.Interrupted;
        }
        if (result.Status == TrainStatus.SizeLimit)
            context.Report($"stopped after epoch {result.EpochsRun:N0} of {options.Epochs:N0}: more epochs would make the model or loss-curve file larger than the {ModelFile.MaxBytes >> 20} MiB addmlp reads back; wrote the model and loss curve so far (status \"size_limit\")");
        if (result.Status == TrainStatus.TimeLimit)
            context.Report($"--max-time was up after epoch {result.EpochsRun} of {options.Epochs}; wrote the model and loss curve so far (status \"time_limit\"){resumeHint}");
        return ExitCodes.Ok;
    }

    /// <summary>The model and loss curve (and at the end the plot), committed together: a checkpoint, or the run's result.</summary>
    private static ModelDocument Save(TrainResult result, TrainOutputs outputs, bool plot)
    {
        ModelDocument model = ModelDocument.From(result);
        LossCurveDocument curve = LossCurveDocument.From(result);
        using var files = new OutputFiles();
        JsonFile.Stage(files, outputs.Model, model);
        JsonFile.Stage(files, outputs.LossCurve, curve);
        if (plot && outputs.Plot is not null)
            LossCurvePlot.Stage(files, curve, outputs.Plot, LossCurvePlot.Title(curve, result.Options));
        files.Commit();
        return model;
    }

    private static string Kept(string model) => File.Exists(model) ? $" (the previous {model} is kept)" : "";
}
