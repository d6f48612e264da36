namespace AddMlp.Gpu;

/// <summary>The model file (format "addmlp-model", version 1): architecture, weights by PyTorch name, training record.</summary>
public sealed record ModelDocument
{
    public const string FormatName = "addmlp-model";
    public const int CurrentVersion = 1;

    public string Format { get; init; } = FormatName;
    public int Version { get; init; } = CurrentVersion;
    public required Architecture Architecture { get; init; }
    /// <summary>The dtype the network computes in: float32 or float64.</summary>
    public string Dtype { get; init; } = "float32";
    public required Dictionary<string, TensorData> StateDict { get; init; }
    public TrainingInfo? Training { get; init; }

    public static ModelDocument From(TrainResult result)
    {
        TrainOptions o = result.Options;
        return new ModelDocument
        {
            Architecture = o.Architecture,
            Dtype = o.DType,
            StateDict = result.StateDict,
            Training = new TrainingInfo
            {
                Seed = o.Seed,
                Lr = o.LearningRate,
                Epochs = o.Epochs,
                EpochsRun = result.EpochsRun,
                Samples = o.Samples,
                Range = [o.Range.Low, o.Range.High],
                Noise = o.Noise,
                Optimizer = o.Optimizer,
                Momentum = o.Momentum,
                WeightDecay = Optimizers.WeightDecay(o),
                BatchSize = o.BatchSize,
                ValFraction = o.ValFraction,
                TargetLoss = o.TargetLoss,
                Threads = o.Threads,
                Loss = "mse",
                DeviceRequested = o.Device,
                Device = result.Device.Name,
                DeviceReason = result.Device.Reason,
                Status = result.Status.Name(),
                FinalLoss = result.FinalLoss,
                FinalValLoss = result.ValLosses is { Length: > 0 } val ? val[^1] : null,
                WeightError = result.WeightErrors is { Length: > 0 } err ? err[^1] : null,
                ElapsedMs = Math.Round(result.Elapsed.TotalMilliseconds, 3),
                Torchsharp = NativeRuntime.TorchSharpVersion,
                Backend = NativeRuntime.Backend,
                FinishedUtc = result.FinishedUtc,
            },
        };
    }
}
