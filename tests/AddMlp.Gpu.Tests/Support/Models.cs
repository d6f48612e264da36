namespace AddMlp.Gpu.Tests;

/// <summary>Model documents made by hand, for tests that need a model file but not a training run.</summary>
public static class Models
{
    /// <summary>The exact adder: weight [1, 1], bias 0, with a complete training block.</summary>
    public static ModelDocument ExactAdder() => new()
    {
        Architecture = Architecture.Linear,
        StateDict = new()
        {
            ["0.weight"] = new TensorData([1, 2], [1, 1]),
            ["0.bias"] = new TensorData([1], [0]),
        },
        Training = new TrainingRecord(
            new TrainOptions { WeightDecay = 0 },
            new TrainingOutcome
            {
                EpochsRun = 500, Device = "cpu", DeviceReason = "test", Status = TrainStatus.Completed, FinalLoss = 1e-20,
                ElapsedMs = 1, ThreadsUsed = 1, Torchsharp = "0.107.0", Backend = TorchBackend.Cpu, FinishedUtc = DateTimeOffset.UnixEpoch,
            }),
    };

    /// <summary>Writes <see cref="ExactAdder"/> to <paramref name="path"/> and returns its text.</summary>
    public static string WriteExactAdder(string path)
    {
        ModelFile.Save(path, ExactAdder());
        return File.ReadAllText(path);
    }
}
