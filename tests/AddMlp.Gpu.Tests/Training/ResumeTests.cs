using static TorchSharp.torch;

namespace AddMlp.Gpu.Tests;

/// <summary>
/// A run stopped and continued (from memory, from its model file, from a checkpoint, after an
/// interrupt mid-epoch or a time limit) gives bit for bit what the run gives when it never stops.
/// </summary>
[Collection(TorchCollection.Name)]
public sealed class ResumeTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>Every optimizer, full batch and minibatch, float32 and float64, with and without a validation split.</summary>
    public static TheoryData<Optimizer, int?, DType, double> Runs()
    {
        var runs = new TheoryData<Optimizer, int?, DType, double>();
        foreach (Optimizer optimizer in Enum.GetValues<Optimizer>())
            foreach (int? batch in new int?[] { null, 48 })
                foreach (DType dtype in Enum.GetValues<DType>())
                    foreach (double validation in new[] { 0.0, 0.2 })
                        runs.Add(optimizer, batch, dtype, validation);
        return runs;
    }

    private static TrainOptions Options(Optimizer optimizer, int? batch, DType dtype, double validation, int epochs) => new()
    {
        Samples = 200,
        Epochs = epochs,
        Optimizer = optimizer,
        Momentum = optimizer == Optimizer.Sgd ? 0.9 : 0,
        LearningRate = optimizer == Optimizer.Sgd ? 0.05 : 0.1,
        BatchSize = batch,
        DType = dtype,
        ValFraction = validation,
    };

    [Theory]
    [MemberData(nameof(Runs))]
    public void Stopping_and_resuming_from_the_model_file_gives_the_uninterrupted_run_bit_for_bit(Optimizer optimizer, int? batch, DType dtype, double validation)
    {
        TrainResult whole = Trainer.Train(Options(optimizer, batch, dtype, validation, epochs: 40));
        TrainResult first = Trainer.Train(Options(optimizer, batch, dtype, validation, epochs: 15));

        TrainResult resumed = Trainer.Train(Options(optimizer, batch, dtype, validation, epochs: 40), new TrainControl { ResumeFrom = ThroughFile(first) });

        Assert.Equal(15, resumed.ResumedAt);
        AssertSameRun(whole, resumed);
    }

    [Fact]
    public void A_run_stopped_at_the_most_epochs_its_files_hold_is_saved_as_size_limit_and_resumes_exactly()
    {
        var options = new TrainOptions { Epochs = 40, ValFraction = 0.1 };
        TrainResult whole = Trainer.Train(options);

        TrainResult stopped = Trainer.Train(options, new TrainControl { MaxEpochs = 17 });

        Assert.Equal(TrainStatus.SizeLimit, stopped.Status);
        Assert.Equal(17, stopped.EpochsRun);
        Assert.Equal(17, stopped.Losses.Length);
        AssertSameRun(whole, Trainer.Train(options, new TrainControl { ResumeFrom = ThroughFile(stopped) }));
    }

    [Fact]
    public void A_hidden_network_resumes_exactly_too()
    {
        var options = new TrainOptions { Samples = 300, Epochs = 30, BatchSize = 64, LearningRate = 0.01, Architecture = Architecture.Adder([8, 4], Activation.Tanh) };
        TrainResult whole = Trainer.Train(options);
        TrainResult first = Trainer.Train(options with { Epochs = 11 });

        AssertSameRun(whole, Trainer.Train(options, new TrainControl { ResumeFrom = ThroughFile(first) }));
    }

    [Fact]
    public void Resuming_from_any_checkpoint_gives_the_uninterrupted_run()
    {
        var options = new TrainOptions { Samples = 200, Epochs = 50, BatchSize = 32 };
        var checkpoints = new List<TrainResult>();
        TrainResult whole = Trainer.Train(options, new TrainControl { CheckpointEvery = 10, OnCheckpoint = checkpoints.Add });

        Assert.Equal([10, 20, 30, 40], checkpoints.Select(c => c.EpochsRun)); // none at the end: the result is written then
        Assert.All(checkpoints, c => Assert.Equal(TrainStatus.Checkpoint, c.Status));
        foreach (TrainResult checkpoint in checkpoints)
            AssertSameRun(whole, Trainer.Train(options, new TrainControl { ResumeFrom = ThroughFile(checkpoint) }));
    }

    [Fact]
    public void An_interrupt_inside_a_minibatch_epoch_puts_weights_optimizer_and_shuffling_back_so_the_run_resumes_exactly()
    {
        // Epochs of 2,000 small steps: an interrupt a moment after the second epoch lands inside a later
        // one (the run is far too long to end first). Where it lands does not matter to the equality,
        // which must hold anywhere. Noisy labels keep the gradients from vanishing, so every step's
        // state shows in the result.
        var options = new TrainOptions { Samples = 20_000, Epochs = 1_000_000, BatchSize = 10, Noise = 0.3, Optimizer = Optimizer.Sgd, Momentum = 0.9, LearningRate = 0.01 };
        using var interrupt = new CancellationTokenSource();
        var afterSecondEpoch = new SyncProgress(e => { if (e.Epoch == 2) interrupt.CancelAfter(TimeSpan.FromMilliseconds(20)); });

        TrainResult stopped = Trainer.Train(options, new TrainControl { Cancellation = interrupt.Token, Progress = afterSecondEpoch, ReportEvery = 1 });

        Assert.NotEqual(0, stopped.State.OptimizerStep);
        Assert.Equal(TrainStatus.Interrupted, stopped.Status);
        TrainOptions further = options with { Epochs = stopped.EpochsRun + 1 };
        AssertSameRun(Trainer.Train(further), Trainer.Train(further, new TrainControl { ResumeFrom = ResumePoint.From(stopped) }));
    }

    [Fact]
    public void A_time_limit_stops_the_run_resumable_with_status_time_limit()
    {
        var options = new TrainOptions { Epochs = 5_000_000, BatchSize = 100 };

        TrainResult stopped = Trainer.Train(options, new TrainControl { MaxTime = TimeSpan.FromMilliseconds(200) });

        Assert.Equal(TrainStatus.TimeLimit, stopped.Status);
        Assert.InRange(stopped.EpochsRun, 1, options.Epochs - 1);
        TrainResult more = Trainer.Train(options with { Epochs = stopped.EpochsRun + 5 }, new TrainControl { ResumeFrom = ThroughFile(stopped) });
        AssertSameRun(Trainer.Train(options with { Epochs = stopped.EpochsRun + 5 }), more);
    }

    [Fact]
    public void A_resumed_run_refuses_options_that_would_change_it_and_takes_those_that_do_not()
    {
        var options = new TrainOptions { Epochs = 20 };
        ResumePoint point = ResumePoint.From(Trainer.Train(options with { Epochs = 10 }));

        Assert.Throws<ArgumentException>(() => Trainer.Train(options with { LearningRate = 0.2 }, new TrainControl { ResumeFrom = point }));
        Assert.Throws<ArgumentException>(() => Trainer.Train(options with { Seed = 7 }, new TrainControl { ResumeFrom = point }));
        Assert.Throws<ArgumentException>(() => Trainer.Train(options with { Epochs = 10 }, new TrainControl { ResumeFrom = point }));
        TrainResult changed = Trainer.Train(options with { Epochs = 30, TargetLoss = 1e-30, Threads = 1, Device = DeviceRequest.Cpu }, new TrainControl { ResumeFrom = point });
        Assert.Equal(30, changed.EpochsRun);
    }

    [Fact]
    public void The_shuffling_generator_check_accepts_libtorchs_own_state_and_refuses_what_would_abort_it()
    {
        using var generator = new Generator(42);
        using (randperm(100, generator: generator)) { }
        using Tensor state = generator.get_state();
        byte[] bytes = state.bytes.ToArray();

        Assert.Null(ResumePoint.ShuffleGeneratorProblem(bytes));
        Assert.NotNull(ResumePoint.ShuffleGeneratorProblem(bytes[..^1]));
        foreach (int offset in new[] { 8, 12, 16 }) // left, seeded, next: what libtorch checks before it aborts
        {
            byte[] broken = [.. bytes];
            BitConverter.GetBytes(int.MaxValue).CopyTo(broken, offset);
            Assert.NotNull(ResumePoint.ShuffleGeneratorProblem(broken));
        }
    }

    [Fact]
    public void A_broken_resume_block_is_refused_with_what_is_wrong()
    {
        var options = new TrainOptions { Epochs = 12, BatchSize = 50 };
        string path = _dir.File("m.json");
        ModelFile.Save(path, ModelDocument.From(Trainer.Train(options)));
        ModelDocument model = ModelFile.Load(path);
        ResumeRecord resume = model.Resume!;

        string Problem(ResumeRecord broken) =>
            Assert.Throws<ModelFileException>(() => ResumePoint.From(model with { Resume = broken }, path)).Message;

        Assert.Contains("resume.loss has 11 values for 12 epochs", Problem(resume with { Loss = ResumeRecord.Encode([.. Enumerable.Repeat(0.5, 11)], DType.Float32) }));
        Assert.Contains("resume.loss is not base64", Problem(resume with { Loss = "%%%" }));
        Assert.Contains("resume.optimizer_step is 3", Problem(resume with { OptimizerStep = 3 }));
        Assert.Contains("resume.optimizer_state.exp_avg has 1 values", Problem(resume with { OptimizerState = new() { ["exp_avg"] = ResumeRecord.Encode([1], DType.Float32), ["exp_avg_sq"] = resume.OptimizerState["exp_avg_sq"] } }));
        Assert.Contains("resume.optimizer_state has [exp_avg]", Problem(resume with { OptimizerState = new() { ["exp_avg"] = resume.OptimizerState["exp_avg"] } }));
        Assert.Contains("resume.shuffle_generator is missing", Problem(resume with { ShuffleGenerator = null }));
        Assert.Contains("resume.shuffle_generator is not a valid Mersenne twister state", Problem(resume with { ShuffleGenerator = Convert.ToBase64String(new byte[5056]) }));
        string Buffer(string name, params double[] values) => Problem(resume with { OptimizerState = new(resume.OptimizerState) { [name] = ResumeRecord.Encode(values, DType.Float32) } });
        Assert.Contains("resume.optimizer_state.exp_avg_sq[0] is Infinity; a run that went on has finite optimizer state", Buffer("exp_avg_sq", double.PositiveInfinity, 0, 0));
        Assert.Contains("resume.optimizer_state.exp_avg_sq[2] is NaN", Buffer("exp_avg_sq", 0, 0, double.NaN));
        Assert.Contains("resume.optimizer_state.exp_avg_sq[1] is -0.5; a mean of squared gradients is never negative", Buffer("exp_avg_sq", 0, -0.5, 0));
        Assert.Contains("resume.optimizer_state.exp_avg[0] is -Infinity", Buffer("exp_avg", double.NegativeInfinity, 0, 0));
        Assert.Contains("it has no \"resume\" block", Assert.Throws<ModelFileException>(() => ResumePoint.From(model with { Resume = null }, path)).Message);
        Assert.Equal(FileProblem.NotResumable, Assert.Throws<ModelFileException>(() => ResumePoint.From(model with { Resume = null }, path)).Problem);
        Assert.Equal(FileProblem.NotResumable, Assert.Throws<ModelFileException>(() => ResumePoint.From(model with { Training = null }, path)).Problem);
    }

    [Fact]
    public void Best_weights_that_are_not_finite_are_refused()
    {
        string path = _dir.File("m.json");
        ModelFile.Save(path, ModelDocument.From(Trainer.Train(new TrainOptions { Epochs = 30, ValFraction = 0.2, EarlyStop = 100 })));
        ModelDocument model = ModelFile.Load(path);

        ModelDocument broken = model with { Resume = model.Resume! with { BestWeights = ResumeRecord.Encode([1, double.NaN, 0], DType.Float32) } };

        Assert.Contains("resume.best_weights[1] is NaN; weights are finite", Assert.Throws<ModelFileException>(() => ResumePoint.From(broken, path)).Message);
    }

    /// <summary>The run as its model file holds it: written, read back, taken as a resume point.</summary>
    private ResumePoint ThroughFile(TrainResult result)
    {
        string path = _dir.File($"{Guid.NewGuid():N}.json");
        ModelFile.Save(path, ModelDocument.From(result));
        return ResumePoint.From(ModelFile.Load(path), path);
    }

    private static void AssertSameRun(TrainResult expected, TrainResult actual)
    {
        static long[] Bits(double[]? values) => [.. (values ?? []).Select(BitConverter.DoubleToInt64Bits)];
        Assert.Equal(expected.Status, actual.Status);
        Assert.Equal(expected.EpochsRun, actual.EpochsRun);
        Assert.Equal(Bits(expected.Losses), Bits(actual.Losses));
        Assert.Equal(Bits(expected.ValLosses), Bits(actual.ValLosses));
        Assert.Equal(Bits(expected.WeightErrors), Bits(actual.WeightErrors));
        foreach (var (name, tensor) in expected.StateDict)
            Assert.Equal(Bits(tensor.Values), Bits(actual.StateDict[name].Values));
        Assert.Equal(expected.State.OptimizerStep, actual.State.OptimizerStep);
        Assert.Equal(expected.State.OptimizerBuffers.Keys.Order(), actual.State.OptimizerBuffers.Keys.Order());
        foreach (var (name, values) in expected.State.OptimizerBuffers)
            Assert.Equal(Bits(values), Bits(actual.State.OptimizerBuffers[name]));
        Assert.Equal(expected.State.ShuffleGenerator, actual.State.ShuffleGenerator);
    }
}
