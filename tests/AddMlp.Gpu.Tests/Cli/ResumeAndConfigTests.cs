using System.Diagnostics;
using System.Text.Json;

namespace AddMlp.Gpu.Tests;

/// <summary>
/// `train --resume`, `--checkpoint-every`, `--max-time`, `--config` and `--print-config` as users run
/// them: the files a continued or replayed run writes are those of the run that never stopped.
/// </summary>
public sealed class ResumeAndConfigTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData("")]
    [InlineData("--optimizer sgd --momentum 0.9 --lr 0.01 --batch-size 64 --val-fraction 0.2")]
    [InlineData("--optimizer adamw --dtype float64 --hidden 8 --batch-size 100")]
    public void Running_250_epochs_then_resuming_to_500_writes_the_500_epoch_runs_weights_and_loss_curve_byte_for_byte(string options)
    {
        string[] run = options.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Train([.. run, "--epochs", "500", "--model", "whole.json", "--loss-curve", "whole-loss.json"]);
        Train([.. run, "--epochs", "250", "--model", "part.json", "--loss-curve", "part-loss.json"]);

        CliResult resumed = Cli.Run(_dir.Path, "train", "--resume", "part.json", "--epochs", "500", "--loss-curve", "part-loss.json");

        Assert.True(resumed.ExitCode == 0, resumed.ToString());
        Assert.Contains("resumed:    at epoch 250", resumed.StdOut);
        Assert.Equal(File.ReadAllBytes(_dir.File("whole-loss.json")), File.ReadAllBytes(_dir.File("part-loss.json")));
        AssertSameWeightsAndState("whole.json", "part.json");
        Assert.Equal(500, Training("part.json").GetProperty("epochs").GetInt32());
    }

    [Fact]
    public void A_run_killed_with_SIGKILL_resumes_from_its_last_checkpoint_to_the_uninterrupted_runs_files()
    {
        string[] run = ["--epochs", "10000", "--batch-size", "500"];
        Train([.. run, "--model", "whole.json", "--loss-curve", "whole-loss.json"]);
        var start = Cli.Start(_dir.Path, ["train", "--quiet", .. run, "--checkpoint-every", "100", "--model", "killed.json", "--loss-curve", "killed-loss.json"]);
        using (Process train = Process.Start(start)!)
        {
            WaitForCheckpoint(train, _dir.File("killed.json"));
            train.Kill(); // SIGKILL: no handler runs, no file is finished
            train.WaitForExit();
        }
        Assert.Equal("checkpoint", Training("killed.json").GetProperty("status").GetString());
        int killedAt = Training("killed.json").GetProperty("epochs_run").GetInt32();
        Assert.InRange(killedAt, 100, 9_900);

        CliResult resumed = Cli.Run(_dir.Path, "train", "--quiet", "--resume", "killed.json", "--loss-curve", "killed-loss.json");

        Assert.True(resumed.ExitCode == 0, resumed.ToString());
        Assert.Equal(File.ReadAllBytes(_dir.File("whole-loss.json")), File.ReadAllBytes(_dir.File("killed-loss.json")));
        AssertSameWeightsAndState("whole.json", "killed.json");
        Assert.Equal(["killed-loss.json", "killed.json", "whole-loss.json", "whole.json"], _dir.Files()); // a temporary file the kill left is cleared
    }

    [Fact]
    public void Options_that_would_change_a_resumed_run_are_refused_by_name_and_nothing_is_written()
    {
        Train("--epochs", "20", "--model", "m.json");
        byte[] before = File.ReadAllBytes(_dir.File("m.json"));

        CliResult changed = Cli.Run(_dir.Path, "train", "--resume", "m.json", "--epochs", "40", "--lr", "0.01", "--seed", "7", "--hidden", "4");
        CliResult done = Cli.Run(_dir.Path, "train", "--resume", "m.json");
        CliResult both = Cli.Run(_dir.Path, "train", "--resume", "m.json", "--config", "m.json");
        CliResult missing = Cli.Run(_dir.Path, "train", "--resume", "nothing.json");

        Assert.Equal(2, changed.ExitCode);
        Assertions.OneLineError(changed);
        Assert.Contains("--lr, --seed, --hidden would change it", changed.StdErr);
        Assert.Equal(2, done.ExitCode);
        Assert.Contains("has already run 20 of its 20 epochs: --epochs is the total, give more than 20", done.StdErr);
        Assert.Equal(2, both.ExitCode);
        Assert.Contains("give one of them", both.StdErr);
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("--resume 'nothing.json': no such file", missing.StdErr);
        Assert.Equal(before, File.ReadAllBytes(_dir.File("m.json")));
        Assert.Equal(["addmlp-loss.json", "m.json"], _dir.Files());
    }

    [Fact]
    public void Options_that_do_not_change_the_run_may_change_on_resume()
    {
        Train("--epochs", "20", "--model", "m.json");

        CliResult resumed = Cli.Run(_dir.Path, "train", "--quiet", "--resume", "m.json", "--epochs", "30", "--device", "cpu", "--threads", "1", "--target-loss", "0", "--model", "more.json", "--log-every", "5");

        Assert.True(resumed.ExitCode == 0, resumed.ToString());
        Assert.Equal(30, Training("more.json").GetProperty("epochs_run").GetInt32());
        Assert.Equal(20, Training("m.json").GetProperty("epochs_run").GetInt32()); // --model chose where the continued run went
    }

    /// <summary>
    /// Version 2 files were written by an addmlp that computed with libtorch's own kernels and drew its label
    /// noise otherwise: continuing one here would not go on as it began, so it is refused; it still predicts
    /// and serves as a config (its options, run again with this addmlp's arithmetic).
    /// </summary>
    [Fact]
    public void A_model_file_written_as_version_2_is_read_but_cannot_be_resumed()
    {
        Train("--epochs", "20", "--model", "m.json");
        JsonDocument model = JsonDocument.Parse(File.ReadAllText(_dir.File("m.json")));
        var old = model.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => p.Name == "version" ? JsonDocument.Parse("2").RootElement : p.Value);
        File.WriteAllText(_dir.File("v2.json"), JsonSerializer.Serialize(old));

        CliResult predict = Cli.Run(_dir.Path, "predict", "0.3", "0.5", "--model", "v2.json");
        CliResult resume = Cli.Run(_dir.Path, "train", "--resume", "v2.json", "--epochs", "30");

        Assert.True(predict.ExitCode == 0, predict.ToString());
        Assert.Equal(2, resume.ExitCode);
        Assertions.OneLineError(resume);
        Assert.Contains("holds no run to continue: it was written as version 2, by an addmlp whose arithmetic (kernels, label noise) differs from this one's", resume.StdErr);
    }

    [Fact]
    public void A_model_file_written_before_version_2_is_read_but_cannot_be_resumed()
    {
        Train("--epochs", "20", "--model", "m.json");
        JsonDocument model = JsonDocument.Parse(File.ReadAllText(_dir.File("m.json")));
        var old = model.RootElement.EnumerateObject().Where(p => p.Name != "resume").ToDictionary(p => p.Name, p => p.Name == "version" ? JsonDocument.Parse("1").RootElement : p.Value);
        File.WriteAllText(_dir.File("v1.json"), JsonSerializer.Serialize(old));

        CliResult predict = Cli.Run(_dir.Path, "predict", "0.3", "0.5", "--model", "v1.json");
        CliResult resume = Cli.Run(_dir.Path, "train", "--resume", "v1.json", "--epochs", "30");
        CliResult replay = Cli.Run(_dir.Path, "train", "--quiet", "--config", "v1.json", "--model", "again.json");

        Assert.True(predict.ExitCode == 0, predict.ToString());
        Assert.Equal(2, resume.ExitCode);
        Assertions.OneLineError(resume);
        Assert.Contains("holds no run to continue: it was written as version 1", resume.StdErr);
        Assert.True(replay.ExitCode == 0, replay.ToString());
        AssertSameWeights("m.json", "again.json");
    }

    [Fact]
    public void A_model_file_as_config_replays_its_run_and_the_command_line_overrides_it()
    {
        Train("--hidden", "8", "--activation", "tanh", "--lr", "0.01", "--epochs", "300", "--batch-size", "100", "--val-fraction", "0.1", "--model", "m.json");

        Train("--config", "m.json", "--model", "replay.json");
        Train("--config", "m.json", "--epochs", "50", "--model", "shorter.json");

        AssertSameWeights("m.json", "replay.json");
        Assert.Equal(50, Training("shorter.json").GetProperty("epochs_run").GetInt32());
        Assert.Equal(0.01, Training("shorter.json").GetProperty("lr").GetDouble());
        Assert.Equal([8], JsonDocument.Parse(File.ReadAllText(_dir.File("shorter.json"))).RootElement.GetProperty("architecture").GetProperty("hidden").EnumerateArray().Select(w => w.GetInt32()));
    }

    [Fact]
    public void Gradient_clipping_is_recorded_replayed_from_the_file_and_kept_on_resume()
    {
        Train("--clip-grad-norm", "0.05", "--range", "-10:10", "--epochs", "40", "--model", "clipped.json");
        Train("--range", "-10:10", "--epochs", "40", "--model", "free.json");

        Assert.Equal(0.05, Training("clipped.json").GetProperty("clip_grad_norm").GetDouble());
        Assert.Equal(JsonValueKind.Null, Training("free.json").GetProperty("clip_grad_norm").ValueKind);
        Assert.NotEqual(File.ReadAllText(_dir.File("clipped.json")).Split("\"training\"")[0], File.ReadAllText(_dir.File("free.json")).Split("\"training\"")[0]); // it changed the weights
        Train("--config", "clipped.json", "--model", "replayed.json");
        AssertSameWeights("clipped.json", "replayed.json");
        CliResult changed = Cli.Run(_dir.Path, "train", "--resume", "clipped.json", "--epochs", "50", "--clip-grad-norm", "1");
        Assert.Equal(2, changed.ExitCode);
        Assert.Contains("--clip-grad-norm would change it", changed.StdErr);
        CliResult zero = Cli.Run(_dir.Path, "train", "--clip-grad-norm", "0");
        Assert.Equal(2, zero.ExitCode);
        Assert.Contains("--clip-grad-norm must be a finite number above 0", zero.StdErr);
    }

    [Fact]
    public void Early_stopping_needs_a_validation_split_records_its_best_epoch_and_is_final()
    {
        CliResult alone = Cli.Run(_dir.Path, "train", "--early-stop", "5");
        Assert.Equal(2, alone.ExitCode);
        Assert.Contains("--early-stop watches the validation loss: give --val-fraction too", alone.StdErr);

        CliResult run = Cli.Run(_dir.Path, "train", "--epochs", "3000", "--noise", "0.3", "--val-fraction", "0.2", "--early-stop", "10");

        Assert.True(run.ExitCode == 0, run.ToString());
        JsonElement training = Training("addmlp-model.json");
        Assert.Equal("early_stopped", training.GetProperty("status").GetString());
        int best = training.GetProperty("best_epoch").GetInt32();
        Assert.Equal(best + 10, training.GetProperty("epochs_run").GetInt32());
        Assert.Contains($"val_loss stopped improving; the weights are epoch {best}'s, its best", run.SummaryUnwrapped);
        CliResult resumed = Cli.Run(_dir.Path, "train", "--resume", "addmlp-model.json", "--epochs", "4000");
        Assert.Equal(2, resumed.ExitCode);
        Assert.Contains("stopped early, at its best epoch: there is nothing to continue", resumed.StdErr);
    }

    [Fact]
    public void A_learning_rate_schedule_writes_its_rates_to_the_loss_curve_and_keeps_its_period_on_resume()
    {
        CliResult noStep = Cli.Run(_dir.Path, "train", "--lr-schedule", "step");
        Assert.Equal(2, noStep.ExitCode);
        Assert.Contains("--lr-schedule step decays every N epochs: give --lr-step-size N too", noStep.StdErr);

        Train("--lr-schedule", "cosine", "--epochs", "10", "--checkpoint-every", "5");

        LossCurveDocument curve = LossCurveFile.Load(_dir.File("addmlp-loss.json"));
        Assert.Equal(LearningRates.For(new TrainOptions { Epochs = 10, LrSchedule = LrSchedule.Cosine }), curve.Lr);
        Assert.Equal("cosine", Training("addmlp-model.json").GetProperty("lr_schedule").GetString());
        CliResult longer = Cli.Run(_dir.Path, "train", "--resume", "addmlp-model.json", "--epochs", "20");
        Assert.Equal(2, longer.ExitCode);
        Assert.Contains("--epochs would change it", longer.StdErr);
    }

    [Fact]
    public void One_cycle_settings_are_recorded_replayed_from_the_file_and_kept_on_resume()
    {
        CliResult run = Cli.Run(_dir.Path, "train", "--lr-schedule", "onecycle", "--optimizer", "sgd", "--lr-pct-start", "0.25", "--lr-max-momentum", "0.9", "--epochs", "40");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("setup:      Linear(2, 1), sgd lr 0.1 onecycle, full batch", run.StdOut);
        JsonElement training = Training("addmlp-model.json");
        Assert.Equal("onecycle", training.GetProperty("lr_schedule").GetString());
        Assert.Equal(0.25, training.GetProperty("lr_pct_start").GetDouble());
        Assert.Equal(0.85, training.GetProperty("lr_base_momentum").GetDouble());
        Assert.Equal(0.9, training.GetProperty("lr_max_momentum").GetDouble());
        var options = new TrainOptions { Epochs = 40, Optimizer = Optimizer.Sgd, LrSchedule = LrSchedule.Onecycle, LrPctStart = 0.25, LrMaxMomentum = 0.9 };
        Assert.Equal(LearningRates.For(options), LossCurveFile.Load(_dir.File("addmlp-loss.json")).Lr);
        using (JsonDocument model = JsonDocument.Parse(File.ReadAllText(_dir.File("addmlp-model.json"))))
            Assert.True(model.RootElement.GetProperty("resume").GetProperty("optimizer_state").TryGetProperty("momentum_buffer", out _)); // the schedule's momentum

        Train("--config", "addmlp-model.json", "--model", "again.json", "--loss-curve", "again-loss.json");
        CliResult changed = Cli.Run(_dir.Path, "train", "--resume", "addmlp-model.json", "--lr-pct-start", "0.3");

        AssertSameWeightsAndState("addmlp-model.json", "again.json");
        Assert.Equal(2, changed.ExitCode);
        Assert.Contains("--lr-pct-start would change it", changed.StdErr);
    }

    [Fact]
    public void Print_config_prints_the_resolved_options_writes_nothing_and_its_output_is_a_config_for_the_same_run()
    {
        File.WriteAllText(_dir.File("base.json"), """{ "training": { "lr": 0.05, "epochs": 40 }, "architecture": { "hidden": [4] } }""");

        CliResult printed = Cli.Run(_dir.Path, "train", "--config", "base.json", "--optimizer", "adamw", "--print-config");

        Assert.True(printed.ExitCode == 0, printed.ToString());
        Assert.Equal(["base.json"], _dir.Files());
        using JsonDocument config = JsonDocument.Parse(printed.StdOut);
        Assert.Equal("addmlp-config", config.RootElement.GetProperty("format").GetString());
        JsonElement training = config.RootElement.GetProperty("training");
        Assert.Equal(0.05, training.GetProperty("lr").GetDouble());
        Assert.Equal(40, training.GetProperty("epochs").GetInt32());
        Assert.Equal("adamw", training.GetProperty("optimizer").GetString());
        Assert.Equal(0.01, training.GetProperty("weight_decay").GetDouble()); // AdamW's default, resolved
        // Left to the machine that runs it, as the run itself leaves them: what neither changes a portable run's numbers nor should be pinned to this machine.
        Assert.Equal(JsonValueKind.Null, training.GetProperty("threads").ValueKind);
        Assert.Equal(JsonValueKind.Null, training.GetProperty("kernels").ValueKind);
        Assert.Equal("relu", config.RootElement.GetProperty("architecture").GetProperty("activation").GetString());

        File.WriteAllText(_dir.File("printed.json"), printed.StdOut);
        Train("--config", "printed.json", "--model", "from-printed.json");
        Train("--lr", "0.05", "--epochs", "40", "--hidden", "4", "--optimizer", "adamw", "--model", "from-options.json");
        AssertSameWeights("from-options.json", "from-printed.json");
    }

    [Theory]
    [InlineData("""{ "training": { "lr": -1 } }""", "--lr must be a finite number above 0, got '-1'")]
    [InlineData("""{ "training": { "learning_rate": 0.1 } }""", "training.learning_rate is not an option addmlp knows")]
    [InlineData("""{ "trainig": { } }""", "trainig is not a key of a config")]
    [InlineData("""{ "training": { "range": [0] } }""", "range is [0], not a value --range takes")]
    [InlineData("""{ "architecture": { "inputs": 3 } }""", "architecture.inputs is 3; an adder has 2")]
    [InlineData("""{ "format": "addmlp-loss-curve" }""", "format is \"addmlp-loss-curve\", not")]
    [InlineData("""{ "training": { "device_requested": "--help" } }""", "--device '--help' is not one of auto, cpu, cuda, cuda:N")]
    [InlineData("""[1, 2]""", "expected a JSON object of options")]
    [InlineData("""{ "training": """, "is not valid JSON")]
    public void A_bad_config_is_refused_with_one_line_naming_the_problem(string config, string message)
    {
        File.WriteAllText(_dir.File("c.json"), config);

        CliResult result = Cli.Run(_dir.Path, "train", "--config", "c.json");

        Assert.Equal(2, result.ExitCode);
        Assertions.OneLineError(result);
        Assert.Contains(message, result.StdErr);
        Assert.Equal(["c.json"], _dir.Files());
    }

    [Fact]
    public void Max_time_stops_cleanly_with_status_time_limit_and_the_run_resumes()
    {
        CliResult stopped = Cli.Run(_dir.Path, "train", "--quiet", "--epochs", "100000000", "--max-time", "1s");

        Assert.True(stopped.ExitCode == 0, stopped.ToString());
        Assert.Contains("--max-time was up after epoch", stopped.StdErr);
        Assert.Contains("continue with `addmlp train --resume addmlp-model.json`", stopped.StdErr);
        JsonElement training = Training("addmlp-model.json");
        Assert.Equal("time_limit", training.GetProperty("status").GetString());
        int epochs = training.GetProperty("epochs_run").GetInt32();

        CliResult resumed = Cli.Run(_dir.Path, "train", "--quiet", "--resume", "addmlp-model.json", "--epochs", (epochs + 10).ToString(System.Globalization.CultureInfo.InvariantCulture));

        Assert.True(resumed.ExitCode == 0, resumed.ToString());
        Assert.Equal("completed", Training("addmlp-model.json").GetProperty("status").GetString());
        Assert.Equal(epochs + 10, Training("addmlp-model.json").GetProperty("epochs_run").GetInt32());
    }

    private void Train(params string[] args)
    {
        CliResult result = Cli.Run(_dir.Path, ["train", "--quiet", .. args]);
        Assert.True(result.ExitCode == 0, result.ToString());
    }

    [Fact]
    public void The_thread_count_changes_no_result_and_may_change_on_resume_with_portable_kernels()
    {
        Assert.Equal(0, Cli.Run(_dir.Path, "train", "--quiet", "--threads", "1", "--model", "t1.json", "--loss-curve", "c1.json").ExitCode);
        Assert.Equal(0, Cli.Run(_dir.Path, "train", "--quiet", "--threads", "2", "--model", "t2.json", "--loss-curve", "c2.json").ExitCode);
        Assert.Equal(0, Cli.Run(_dir.Path, "train", "--quiet", "--hidden", "8", "--epochs", "300", "--model", "whole.json", "--loss-curve", "c3.json").ExitCode);
        Assert.Equal(0, Cli.Run(_dir.Path, "train", "--quiet", "--hidden", "8", "--epochs", "150", "--threads", "1", "--model", "part.json", "--loss-curve", "c4.json").ExitCode);
        Assert.Equal(0, Cli.Run(_dir.Path, "train", "--quiet", "--resume", "part.json", "--epochs", "300", "--threads", "2", "--loss-curve", "c4.json").ExitCode);

        static string Weights(JsonElement model) => model.GetProperty("state_dict").GetRawText() + model.GetProperty("resume").GetRawText();
        Assert.Equal(Weights(Model("t1.json")), Weights(Model("t2.json")));
        Assert.Equal(Weights(Model("whole.json")), Weights(Model("part.json")));
    }

    [Fact]
    public void With_native_kernels_a_resumed_run_keeps_its_thread_count_and_device()
    {
        Assert.Equal(0, Cli.Run(_dir.Path, "train", "--quiet", "--kernels", "native", "--threads", "1", "--epochs", "20").ExitCode);

        CliResult threads = Cli.Run(_dir.Path, "train", "--resume", "addmlp-model.json", "--epochs", "40", "--threads", "2");
        CliResult device = Cli.Run(_dir.Path, "train", "--resume", "addmlp-model.json", "--epochs", "40", "--device", "cpu");

        Assert.Equal(2, threads.ExitCode);
        Assert.Contains("--threads would change it", threads.StdErr);
        Assert.Equal(2, device.ExitCode);
        Assert.Contains("--device would change it", device.StdErr);
    }

    private JsonElement Model(string name) => JsonDocument.Parse(File.ReadAllText(_dir.File(name))).RootElement;

    private JsonElement Training(string model) =>
        JsonDocument.Parse(File.ReadAllText(_dir.File(model))).RootElement.GetProperty("training");

    private void AssertSameWeights(string expected, string actual) => AssertSameBlocks(expected, actual, "state_dict");

    private void AssertSameWeightsAndState(string expected, string actual) => AssertSameBlocks(expected, actual, "state_dict", "resume");

    private void AssertSameBlocks(string expected, string actual, params string[] blocks)
    {
        using JsonDocument a = JsonDocument.Parse(File.ReadAllText(_dir.File(expected)));
        using JsonDocument b = JsonDocument.Parse(File.ReadAllText(_dir.File(actual)));
        foreach (string block in blocks)
            Assert.Equal(a.RootElement.GetProperty(block).GetRawText(), b.RootElement.GetProperty(block).GetRawText());
    }

    /// <summary>Waits until the run has written a checkpoint (at most 60 s).</summary>
    private static void WaitForCheckpoint(Process train, string model)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline && !train.HasExited)
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
            Thread.Sleep(10);
        }
        Assert.Fail(train.HasExited ? $"addmlp ended (exit {train.ExitCode}) before a checkpoint was seen" : "no checkpoint within 60 s");
    }
}
