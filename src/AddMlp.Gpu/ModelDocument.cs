namespace AddMlp.Gpu;

/// <summary>The model file (format "addmlp-model", version 1): architecture, weights by PyTorch name, training record.</summary>
public sealed record ModelDocument
{
    public const string FormatName = "addmlp-model";
    public const int CurrentVersion = 1;

    public string Format { get; init; } = FormatName;
    public int Version { get; init; } = CurrentVersion;
    public required Architecture Architecture { get; init; }
    public required Dictionary<string, TensorData> StateDict { get; init; }
    public TrainingInfo? Training { get; init; }

    public static ModelDocument From(TrainResult result) => new()
    {
        Architecture = result.Options.Architecture,
        StateDict = result.StateDict,
        Training = new TrainingInfo
        {
            Seed = result.Options.Seed,
            Lr = result.Options.LearningRate,
            Epochs = result.Options.Epochs,
            EpochsRun = result.EpochsRun,
            Samples = result.Options.Samples,
            Optimizer = "adam",
            Loss = "mse",
            DeviceRequested = result.Options.Device,
            Device = result.Device.Name,
            DeviceReason = result.Device.Reason,
            Status = result.Status.ToString().ToLowerInvariant(),
            FinalLoss = result.FinalLoss,
            ElapsedMs = Math.Round(result.Elapsed.TotalMilliseconds, 3),
            Torchsharp = NativeRuntime.TorchSharpVersion,
            Backend = NativeRuntime.Backend,
            FinishedUtc = result.FinishedUtc,
        },
    };
}
