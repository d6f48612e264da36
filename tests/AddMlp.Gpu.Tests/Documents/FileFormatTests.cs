using System.Text.Json;
using System.Text.RegularExpressions;

namespace AddMlp.Gpu.Tests;

/// <summary>The model and loss-curve files: layout as documented, exact round trips, deterministic content.</summary>
[Collection(TorchCollection.Name)]
public sealed class FileFormatTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private static TrainResult Train(long seed = 42, int epochs = 60) => Trainer.Train(new TrainOptions { Seed = seed, Epochs = epochs });

    [Fact]
    public void Model_file_has_the_documented_layout()
    {
        string path = _dir.File("m.json");
        ModelFile.Save(path, ModelDocument.From(Train()));

        using JsonDocument json = JsonDocument.Parse(File.ReadAllText(path));
        JsonElement root = json.RootElement;
        Assert.Equal("addmlp-model", root.GetProperty("format").GetString());
        Assert.Equal(3, root.GetProperty("version").GetInt32());
        JsonElement arch = root.GetProperty("architecture");
        Assert.Equal(2, arch.GetProperty("inputs").GetInt32());
        Assert.Equal(0, arch.GetProperty("hidden").GetArrayLength());
        Assert.Equal(JsonValueKind.Null, arch.GetProperty("activation").ValueKind);
        Assert.Equal(1, arch.GetProperty("outputs").GetInt32());
        JsonElement state = root.GetProperty("state_dict");
        Assert.Equal(["0.weight", "0.bias"], state.EnumerateObject().Select(p => p.Name));
        Assert.Equal([1, 2], state.GetProperty("0.weight").GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal(2, state.GetProperty("0.weight").GetProperty("values").GetArrayLength());
        JsonElement training = root.GetProperty("training");
        foreach (string key in new[] { "seed", "lr", "epochs", "epochs_run", "samples", "optimizer", "kernels", "threads", "device_requested", "device", "final_loss", "elapsed_ms", "threads_used", "torchsharp", "status", "finished_utc" })
            Assert.True(training.TryGetProperty(key, out _), $"training.{key} missing");
        Assert.Equal(42, training.GetProperty("seed").GetInt64());
        Assert.Equal(0.1, training.GetProperty("lr").GetDouble());
        Assert.Equal("adam", training.GetProperty("optimizer").GetString());
        Assert.Equal("cpu", training.GetProperty("device").GetString());
        Assert.Equal("auto", training.GetProperty("device_requested").GetString());
        Assert.Equal("completed", training.GetProperty("status").GetString());
        Assert.Equal("0.107.0", training.GetProperty("torchsharp").GetString());
        Assert.Equal("portable", training.GetProperty("kernels").GetString()); // the CPU's default, resolved
        Assert.Equal(JsonValueKind.Null, training.GetProperty("threads").ValueKind); // not given: chosen per machine,
        Assert.Equal(1, training.GetProperty("threads_used").GetInt32());          // as it was here
    }

    [Fact]
    public void Model_file_round_trips_bit_exact()
    {
        TrainResult result = Train();
        string path = _dir.File("m.json");
        ModelFile.Save(path, ModelDocument.From(result));

        ModelDocument loaded = ModelFile.Load(path);

        Assert.Equal(Architecture.Linear, loaded.Architecture);
        foreach (var (name, tensor) in result.StateDict)
        {
            Assert.Equal(tensor.Shape, loaded.StateDict[name].Shape);
            Assert.Equal(tensor.Values.Select(BitConverter.DoubleToInt64Bits), loaded.StateDict[name].Values.Select(BitConverter.DoubleToInt64Bits));
        }
        Assert.Equal(BitConverter.SingleToInt32Bits((float)result.FinalLoss), BitConverter.SingleToInt32Bits((float)loaded.Training!.Outcome.FinalLoss));
    }

    [Fact]
    public void Loss_curve_round_trips_every_epoch_bit_exact()
    {
        TrainResult result = Train();
        string path = _dir.File("l.json");
        LossCurveFile.Save(path, LossCurveDocument.From(result));

        LossCurveDocument loaded = LossCurveFile.Load(path);

        Assert.Equal("addmlp-loss-curve", loaded.Format);
        Assert.Equal("cpu", loaded.Device);
        Assert.Equal(60, loaded.Loss.Length);
        Assert.Equal(result.Losses.Select(BitConverter.DoubleToInt64Bits), loaded.Loss.Select(BitConverter.DoubleToInt64Bits));
    }

    [Fact]
    public void Awkward_float32_values_round_trip_exactly_in_float32_shortest_form()
    {
        double[] values = [float.Epsilon, 3.4028235e38f, 0.1f, 1f / 3, 2.4e-9f, 0.99999994f, -0f, double.NaN, double.PositiveInfinity, double.NegativeInfinity];
        string path = _dir.File("l.json");
        LossCurveFile.Save(path, new LossCurveDocument { Device = "cpu", Status = TrainStatus.Completed, EpochsRun = values.Length, Loss = values });

        Assert.Equal(values.Select(BitConverter.DoubleToInt64Bits), LossCurveFile.Load(path).Loss.Select(BitConverter.DoubleToInt64Bits));
        Assert.Contains("[1E-45, 3.4028235E+38, 0.1, 0.33333334, 2.4E-09, 0.99999994, -0, \"NaN\", \"Infinity\", \"-Infinity\"]", File.ReadAllText(path));
    }

    [Fact]
    public void Awkward_float64_values_round_trip_exactly()
    {
        double[] values = [double.Epsilon, double.MaxValue, -0.0, 0.1, 1.0 / 3, 2.4e-9, 1 + Math.Pow(2, -52)];
        string path = _dir.File("l.json");
        LossCurveFile.Save(path, new LossCurveDocument { Device = "cpu", Dtype = DType.Float64, Status = TrainStatus.Completed, EpochsRun = values.Length, Loss = values });

        Assert.Equal(values.Select(BitConverter.DoubleToInt64Bits), LossCurveFile.Load(path).Loss.Select(BitConverter.DoubleToInt64Bits));
    }

    [Fact]
    public void Same_seed_twice_gives_byte_identical_model_files_but_for_time_fields()
    {
        string a = _dir.File("a.json"), b = _dir.File("b.json"), c = _dir.File("c.json");
        ModelFile.Save(a, ModelDocument.From(Train(seed: 42)));
        ModelFile.Save(b, ModelDocument.From(Train(seed: 42)));
        ModelFile.Save(c, ModelDocument.From(Train(seed: 43)));

        Assert.Equal(WithoutTimes(a), WithoutTimes(b));
        Assert.NotEqual(WithoutTimes(a), WithoutTimes(c));
    }

    [Fact]
    public void Hidden_layer_model_is_rebuilt_from_the_file_alone()
    {
        var options = new TrainOptions { Epochs = 30, Architecture = new Architecture(2, [8, 4], Activation.Tanh, 1) };
        TrainResult result = Trainer.Train(options);
        string path = _dir.File("m.json");
        ModelFile.Save(path, ModelDocument.From(result));

        ModelDocument loaded = ModelFile.Load(path);

        Assert.Equal(["0.weight", "0.bias", "2.weight", "2.bias", "4.weight", "4.bias"], loaded.StateDict.Keys);
        Assert.Equal(options.Architecture, loaded.Architecture);
        ResolvedDevice cpu = Devices.Resolve(DeviceRequest.Cpu);
        Assert.Equal(
            Predictor.Predict(ModelDocument.From(result), [(0.3, 0.5), (0.1, 0.9)], cpu),
            Predictor.Predict(loaded, [(0.3, 0.5), (0.1, 0.9)], cpu));
    }

    [Fact]
    public void Saving_over_an_existing_file_leaves_no_temporary_files()
    {
        string path = _dir.File("m.json");
        ModelFile.Save(path, ModelDocument.From(Train(seed: 1)));
        ModelFile.Save(path, ModelDocument.From(Train(seed: 2)));

        Assert.Equal(["m.json"], _dir.Files());
        Assert.Equal(2, ModelFile.Load(path).Training!.Options.Seed);
    }

    private static string WithoutTimes(string path) =>
        Regex.Replace(File.ReadAllText(path), @"""(elapsed_ms|finished_utc)"": [^,\n]+", "\"$1\": _");
}
