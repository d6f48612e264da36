using TorchSharp;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace AddMlp.Gpu.Tests;

/// <summary>The tutorial's suggested experiments, each one command, and the known answer used to judge them.</summary>
[Collection(TorchCollection.Name)]
public sealed class ExperimentTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Hidden_16_16_relu_learns_addition_in_range_and_predicts_from_its_file_alone()
    {
        CliResult train = Cli.Run(_dir.Path, "train", "--quiet", "--hidden", "16,16", "--epochs", "2000", "--lr", "0.01");
        Assert.True(train.ExitCode == 0, train.ToString());
        using (JsonDocument model = JsonDocument.Parse(File.ReadAllText(_dir.File("addmlp-model.json"))))
        {
            JsonElement arch = model.RootElement.GetProperty("architecture");
            Assert.Equal([16, 16], arch.GetProperty("hidden").EnumerateArray().Select(e => e.GetInt32()));
            Assert.Equal("relu", arch.GetProperty("activation").GetString());
            Assert.Equal(["0.weight", "0.bias", "2.weight", "2.bias", "4.weight", "4.bias"],
                model.RootElement.GetProperty("state_dict").EnumerateObject().Select(p => p.Name));
        }

        CliResult eval = Cli.Run(_dir.Path, "eval", "--json", "--range", "0:1");
        CliResult predict = Cli.Run(_dir.Path, "predict", "0.3", "0.5");

        using JsonDocument report = JsonDocument.Parse(eval.StdOut);
        double mae = report.RootElement.GetProperty("ranges")[0].GetProperty("mae").GetDouble();
        Assert.True(mae < 1e-3, $"in-range MAE {mae}");
        Assert.Equal(0, predict.ExitCode);
        Assert.InRange(double.Parse(predict.StdOut, CultureInfo.InvariantCulture), 0.8 - 1e-2, 0.8 + 1e-2);
    }

    [Fact]
    public void Eval_reports_a_hidden_networks_extrapolation_honestly()
    {
        Assert.Equal(0, Cli.Run(_dir.Path, "train", "--quiet", "--hidden", "8", "--epochs", "300", "--lr", "0.01").ExitCode);

        CliResult eval = Cli.Run(_dir.Path, "eval");

        Assert.Equal(0, eval.ExitCode);
        Assert.Matches(new Regex(@"^0:1\s+10000\s", RegexOptions.Multiline), eval.StdOut);
        Assert.Matches(new Regex(@"^-100:100\s+10000\s", RegexOptions.Multiline), eval.StdOut);
        Assert.Contains("verdict: not the exact rule: off by up to ", eval.StdOut);
    }

    [Fact]
    public void Noisy_labels_still_give_weights_within_0_02_of_1_1()
    {
        TrainResult result = Trainer.Train(new TrainOptions { Noise = 0.1, Samples = 10_000 });

        double[] w = result.StateDict["0.weight"].Values;
        Assert.InRange(w[0], 0.98, 1.02);
        Assert.InRange(w[1], 0.98, 1.02);
        Assert.True(result.FinalLoss > 0.005, $"with noise 0.1 the loss cannot fall far below 0.01, got {result.FinalLoss}");
    }

    [Fact]
    public void The_linear_model_trained_on_0_1_extrapolates_to_minus_100_100()
    {
        TrainResult result = Trainer.Train(new TrainOptions());

        RangeError wide = Evaluator.Evaluate(ModelDocument.From(result), InputRange.Wide, 10_000, 1234, Devices.Resolve(DeviceRequest.Cpu));

        Assert.True(wide.MaxError < 1e-2, $"max error {wide.MaxError} on -100:100");
    }

    [Fact]
    public void Training_inputs_come_from_the_range_asked_for()
    {
        TorchSharp.torch.manual_seed(1);
        var (x, y) = AdditionData.Create(5000, new InputRange(-3, 7));
        using (x)
        using (y)
        {
            Assert.InRange(x.min().ToDouble(), -3, -2.9);
            Assert.InRange(x.max().ToDouble(), 6.9, 7 - 1e-9);
            Assert.Equal(0, (x.sum(1, keepdim: true) - y).abs().max().ToDouble(), 5);
        }
    }

    [Fact]
    public void The_default_run_records_weight_error_per_epoch_and_prints_the_formula()
    {
        CliResult train = Cli.Run(_dir.Path, "train");

        LossCurveDocument curve = LossCurveFile.Load(_dir.File("addmlp-loss.json"));
        Assert.NotNull(curve.WeightError);
        Assert.Equal(500, curve.WeightError!.Length);
        Assert.True(curve.WeightError[0] > 0.1, $"starts far from the rule: {curve.WeightError[0]}");
        Assert.True(curve.WeightError[^1] < 1e-4, $"ends at {curve.WeightError[^1]}");
        Assert.Contains("learned:    y = 1.00000·a + 1.00000·b + 0.00000", train.StdOut);
        Assert.Contains("distance of (w, b) to ([1, 1], 0): 2.817e-09", train.StdOut); // the committed result's bias, -2.8170641e-09 (PyTorch 1.13 ends at 2.4441e-09)
    }

    [Fact]
    public void Eval_of_the_default_model_gives_the_exact_rule_verdict()
    {
        Assert.Equal(0, Cli.Run(_dir.Path, "train", "--quiet").ExitCode);

        CliResult eval = Cli.Run(_dir.Path, "eval");

        Assert.Equal(0, eval.ExitCode);
        Assert.Contains("learned: y = 1.00000·a + 1.00000·b + 0.00000", eval.StdOut);
        Assert.Contains("verdict: the exact rule y = a + b, to within 0.0001 (distance 2.817e-09)", eval.StdOut);
    }

    [Fact]
    public void Target_loss_stops_at_the_first_epoch_that_reaches_it()
    {
        TrainResult result = Trainer.Train(new TrainOptions { TargetLoss = 1e-10 });

        Assert.Equal(TrainStatus.TargetReached, result.Status);
        Assert.InRange(result.EpochsRun, 2, 499);
        Assert.Equal(result.EpochsRun, result.Losses.Length);
        Assert.True(result.Losses[^1] <= 1e-10);
        Assert.True(result.Losses[^2] > 1e-10);
        Assert.Equal("target_reached", EnumNames<TrainStatus>.Of(ModelDocument.From(result).Training!.Outcome.Status));
    }

    [Theory]
    [InlineData("minibatch")]
    [InlineData("float64")]
    [InlineData("sgd")]
    [InlineData("adamw with validation")]
    public void Runs_are_reproducible_same_seed_same_file(string kind)
    {
        TrainOptions options = kind switch
        {
            "minibatch" => new TrainOptions { BatchSize = 64, Epochs = 20 },
            "float64" => new TrainOptions { DType = DType.Float64, Epochs = 200 },
            "sgd" => new TrainOptions { Optimizer = Optimizer.Sgd, Momentum = 0.9, LearningRate = 0.05, Epochs = 100 },
            _ => new TrainOptions { Optimizer = Optimizer.AdamW, ValFraction = 0.2, Epochs = 100 },
        };

        string a = Save("a", Trainer.Train(options)), b = Save("b", Trainer.Train(options)), c = Save("c", Trainer.Train(options with { Seed = 7 }));

        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
    }

    [Fact]
    public void Minibatches_take_one_step_per_batch_and_learn()
    {
        TrainResult result = Trainer.Train(new TrainOptions { BatchSize = 100, Epochs = 30, LearningRate = 0.05 });

        Assert.Equal(30, result.Losses.Length);
        Assert.True(result.Losses[^1] < 1e-4, $"final loss {result.Losses[^1]}");
    }

    [Fact]
    public void Float64_runs_keep_float64_weights_exactly()
    {
        TrainResult result = Trainer.Train(new TrainOptions { DType = DType.Float64, Epochs = 50 });
        string path = _dir.File("m.json");
        ModelFile.Save(path, ModelDocument.From(result));

        ModelDocument loaded = ModelFile.Load(path);

        Assert.Equal("float64", EnumNames<DType>.Of(loaded.Dtype));
        Assert.Equal(result.StateDict["0.weight"].Values, loaded.StateDict["0.weight"].Values);
        Assert.Contains(result.StateDict["0.weight"].Values, v => (float)v != v); // really float64 values
    }

    [Fact]
    public void Validation_split_records_val_loss_per_epoch()
    {
        CliResult train = Cli.Run(_dir.Path, "train", "--val-fraction", "--epochs", "60", "--log-every", "50");

        Assert.Equal(0, train.ExitCode);
        Assert.Contains("Epoch: 1     loss: ", train.StdErr);
        Assert.Contains("  val_loss: ", train.StdErr);
        LossCurveDocument curve = LossCurveFile.Load(_dir.File("addmlp-loss.json"));
        Assert.Equal(60, curve.ValLoss!.Length);
        Assert.True(curve.ValLoss[^1] < curve.ValLoss[0]);
        using JsonDocument model = JsonDocument.Parse(File.ReadAllText(_dir.File("addmlp-model.json")));
        Assert.Equal(0.1, model.RootElement.GetProperty("training").GetProperty("val_fraction").GetDouble());
        Assert.Contains("900 samples in 0:1, 100 held out", train.SummaryUnwrapped);
    }

    [Fact]
    public void Every_train_option_is_recorded_in_the_model_file()
    {
        CliResult train = Cli.Run(_dir.Path, "train", "--quiet", "--optimizer", "adamw", "--range", "-2:3", "--noise", "0.05",
            "--batch-size", "250", "--dtype", "float64", "--threads", "1", "--target-loss", "1e-30", "--epochs", "5", "--hidden", "4", "--activation", "tanh");

        Assert.True(train.ExitCode == 0, train.ToString());
        using JsonDocument model = JsonDocument.Parse(File.ReadAllText(_dir.File("addmlp-model.json")));
        JsonElement t = model.RootElement.GetProperty("training");
        Assert.Equal("adamw", t.GetProperty("optimizer").GetString());
        Assert.Equal(0.01, t.GetProperty("weight_decay").GetDouble());
        Assert.Equal([-2.0, 3.0], t.GetProperty("range").EnumerateArray().Select(e => e.GetDouble()));
        Assert.Equal(0.05, t.GetProperty("noise").GetDouble());
        Assert.Equal(250, t.GetProperty("batch_size").GetInt32());
        Assert.Equal(1, t.GetProperty("threads").GetInt32());
        Assert.Equal(1e-30, t.GetProperty("target_loss").GetDouble());
        Assert.Equal("float64", model.RootElement.GetProperty("dtype").GetString());
        Assert.Equal("tanh", model.RootElement.GetProperty("architecture").GetProperty("activation").GetString());
    }

    private string Save(string name, TrainResult result)
    {
        string model = _dir.File(name + ".json"), curve = _dir.File(name + "-loss.json");
        ModelFile.Save(model, ModelDocument.From(result));
        LossCurveFile.Save(curve, LossCurveDocument.From(result));
        return Regex.Replace(File.ReadAllText(model), @"""(elapsed_ms|finished_utc)"": [^,\n]+", "") + File.ReadAllText(curve);
    }
}
