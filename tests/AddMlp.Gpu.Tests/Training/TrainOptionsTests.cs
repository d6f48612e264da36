namespace AddMlp.Gpu.Tests;

/// <summary>
/// <see cref="TrainOptions"/> says what is wrong with itself, as typed problems that name the option (and the
/// bound it is outside); the trainer refuses such options with them, and callers word them their own way.
/// </summary>
public sealed class TrainOptionsTests
{
    [Fact]
    public void The_tutorials_options_have_no_problems()
    {
        Assert.Empty(new TrainOptions().Problems());
    }

    [Theory]
    [InlineData(nameof(TrainOptions.LearningRate))]
    [InlineData(nameof(TrainOptions.Epochs))]
    [InlineData(nameof(TrainOptions.Threads))]
    [InlineData(nameof(TrainOptions.ValFraction))]
    public void A_value_out_of_bounds_is_a_problem_naming_its_option_and_bounds(string option)
    {
        TrainOptions options = option switch
        {
            nameof(TrainOptions.LearningRate) => new() { LearningRate = -1 },
            nameof(TrainOptions.Epochs) => new() { Epochs = 0 },
            nameof(TrainOptions.Threads) => new() { Threads = TrainOptions.MaxThreads + 1 },
            _ => new() { ValFraction = 1 },
        };

        OptionProblem problem = Assert.Single(options.Problems());

        Assert.Equal(option, problem.Option);
        Assert.Equal(TrainOptions.BoundsOf(option), problem.Bounds);
        Assert.False(problem.Bounds!.Contains(options switch { { Threads: int t } => t, { Epochs: 0 } => 0, { ValFraction: 1 } => 1, _ => -1 }));
        Assert.Equal($"{option} must be {problem.Bounds}", problem.ToString());
    }

    [Fact]
    public void A_rule_between_options_names_each_of_them()
    {
        OptionProblem problem = Assert.Single(new TrainOptions { EarlyStop = 5 }.Problems());

        Assert.Equal(nameof(TrainOptions.EarlyStop), problem.Option);
        Assert.Null(problem.Bounds);
        Assert.Equal([nameof(TrainOptions.EarlyStop), nameof(TrainOptions.ValFraction)], problem.Mentions);
        Assert.Equal("--early-stop watches the validation loss: give --val-fraction too",
            problem.Describe(option => option == nameof(TrainOptions.EarlyStop) ? "--early-stop" : "--val-fraction"));
    }

    [Fact]
    public void The_trainer_refuses_options_with_problems_and_carries_them()
    {
        var refused = Assert.Throws<InvalidTrainOptionsException>(() => Trainer.Train(new TrainOptions { LrSchedule = LrSchedule.Step }));

        Assert.Equal(nameof(TrainOptions.LrStepSize), Assert.Single(refused.Problems).Option);
        Assert.Equal("LrSchedule step decays every N epochs: give LrStepSize N too", refused.Message.Split(" (Parameter")[0]);
    }

    [Fact]
    public void Options_a_run_does_not_use_are_named_with_what_would_use_them()
    {
        var options = new TrainOptions { Optimizer = Optimizer.Sgd, LrSchedule = LrSchedule.Cosine };

        string[] unused = [.. options.Unused().Select(p => p.Option)];

        Assert.Contains(nameof(TrainOptions.LrGamma), unused);
        Assert.Contains(nameof(TrainOptions.HuberDelta), unused);
        Assert.DoesNotContain(nameof(TrainOptions.LrMin), unused);
        Assert.DoesNotContain(nameof(TrainOptions.Momentum), unused);
        Assert.Equal("LrGamma applies to LrSchedule step, not cosine: give LrSchedule step too, or drop it",
            options.Unused().Single(p => p.Option == nameof(TrainOptions.LrGamma)).ToString());
    }
}
