using System.Buffers.Binary;

namespace AddMlp.Gpu;

/// <summary>
/// Where a run stopped, with all it needs to go on exactly as if it never had: its options, weights,
/// loss history, optimizer state and shuffling generator. Made from a <see cref="TrainResult"/> or read
/// from a model file that `train` wrote (its "resume" block).
/// </summary>
public sealed record ResumePoint
{
    /// <summary>The run's options, as it recorded them (defaults resolved).</summary>
    public required TrainOptions Options { get; init; }
    public required int EpochsRun { get; init; }
    /// <summary>How the run stopped; one that stopped early (<see cref="TrainStatus.EarlyStopped"/>) has nothing to continue.</summary>
    public TrainStatus Status { get; init; }
    public required Dictionary<string, TensorData> StateDict { get; init; }
    public required double[] Losses { get; init; }
    public double[]? ValLosses { get; init; }
    public double[]? WeightErrors { get; init; }
    public required TrainingState State { get; init; }

    /// <summary>
    /// What continuing a run may change without changing what it computes, by <see cref="TrainOptions"/>
    /// property: <see cref="TrainOptions.Epochs"/> (the total; not with the cosine or one-cycle schedule,
    /// whose period it is), <see cref="TrainOptions.TargetLoss"/>, and with portable kernels
    /// <see cref="TrainOptions.Device"/> and <see cref="TrainOptions.Threads"/>, which change no number
    /// there. With native kernels a device or thread count can change the last bits, so they stay.
    /// <see cref="TrainOptions.Data"/>'s path may change (a file moved), not its rows: the same bytes, by SHA-256.
    /// </summary>
    public static IReadOnlyList<string> MayChange(TrainOptions run)
    {
        var options = new List<string> { nameof(TrainOptions.TargetLoss), nameof(TrainOptions.Data) };
        if (run.LrSchedule is not (LrSchedule.Cosine or LrSchedule.Onecycle))
            options.Add(nameof(TrainOptions.Epochs));
        if (run.Kernels == Kernels.Portable)
            options.AddRange([nameof(TrainOptions.Device), nameof(TrainOptions.Threads)]);
        return options;
    }

    /// <summary>Whether <paramref name="options"/> make the same run as <paramref name="run"/>, apart from <see cref="MayChange"/>.</summary>
    public static bool SameRun(TrainOptions run, TrainOptions options)
    {
        IReadOnlyList<string> may = MayChange(run);
        TrainOptions Core(TrainOptions o) => o with
        {
            Epochs = may.Contains(nameof(TrainOptions.Epochs)) ? 1 : o.Epochs,
            TargetLoss = null,
            Device = may.Contains(nameof(TrainOptions.Device)) ? DeviceRequest.Auto : o.Device,
            Threads = may.Contains(nameof(TrainOptions.Threads)) ? null : o.Threads,
            WeightDecay = o.EffectiveWeightDecay,
            Data = o.Data is { } file ? file with { Path = "" } : null,
        };
        return Core(run) == Core(options);
    }

    public static ResumePoint From(TrainResult result) => new()
    {
        Options = result.Options,
        EpochsRun = result.EpochsRun,
        Status = result.Status,
        StateDict = result.StateDict,
        Losses = result.Losses,
        ValLosses = result.ValLosses,
        WeightErrors = result.WeightErrors,
        State = result.State,
    };

    /// <summary>
    /// The run a model file holds. Throws <see cref="ModelFileException"/>: NotResumable for a model
    /// without the state (imported, or written before version 2), Invalid for a state that does not fit it.
    /// </summary>
    public static ResumePoint From(ModelDocument model, string path)
    {
        ModelFileException Invalid(string problem) => new(AddMlpFile.Model, FileProblem.Invalid, path, $"model file '{path}': resume.{problem}");
        if (model.Training is null || model.Resume is null || model.Version < ModelDocument.OldestResumableVersion)
        {
            string why = model.Training is null ? "it was not made by training (it holds weights alone)"
                : model.Version < 2 ? $"it was written as version {model.Version}, before runs could be resumed"
                : model.Version < ModelDocument.OldestResumableVersion ? $"it was written as version {model.Version}, by an addmlp whose arithmetic (kernels, label noise) differs from this one's, so it would not go on as it began"
                : "it has no \"resume\" block (the run's state, which training writes; removed or never there)";
            throw new ModelFileException(AddMlpFile.Model, FileProblem.NotResumable, path, $"model file '{path}' holds no run to continue: {why}");
        }
        TrainOptions options = model.Training.Options;
        ResumeRecord resume = model.Resume;
        if (model.Training.Outcome.Status == TrainStatus.EarlyStopped)
            throw new ModelFileException(AddMlpFile.Model, FileProblem.NotResumable, path, $"model file '{path}' holds a run that stopped early, at its best epoch: there is nothing to continue");
        int epochs = model.Training.Outcome.EpochsRun;
        long parameters = model.Architecture.ParameterCount;
        if (epochs < 1)
            throw Invalid($"the run has {epochs} epochs; a saved run has at least 1");

        double[]? Series(string name, string? text, bool expected)
        {
            if (text is null != !expected)
                throw Invalid(expected ? $"{name} is missing" : $"{name} is there, but this run does not record it");
            if (text is null)
                return null;
            double[] values = ResumeRecord.Decode(text, model.Dtype) ?? throw Invalid($"{name} is not base64 of {EnumNames<DType>.Of(model.Dtype)} values");
            if (values.Length != epochs)
                throw Invalid($"{name} has {values.Length} values for {epochs} epochs");
            if (!values.All(double.IsFinite))
                throw Invalid($"{name} holds a NaN or infinite value");
            return values;
        }
        double[] losses = Series("loss", resume.Loss, true)!;
        double[]? valLosses = Series("val_loss", resume.ValLoss, options.ValidationSamples > 0);
        double[]? weightErrors = Series("weight_error", resume.WeightError, model.Architecture.IsLinear);

        long steps = options.BatchSize is int batch ? epochs * ((options.TrainingSamples + (long)batch - 1) / batch) : epochs;
        if (resume.OptimizerStep != steps)
            throw Invalid($"optimizer_step is {resume.OptimizerStep}; {epochs} epochs of this run take {steps} steps");
        string[] buffers = options.Optimizer != Optimizer.Sgd ? [OptimizerBuffers.ExpAvg, OptimizerBuffers.ExpAvgSq] : options.KeepsMomentumBuffer ? [OptimizerBuffers.MomentumBuffer] : [];
        if (!resume.OptimizerState.Keys.Order().SequenceEqual(buffers.Order()))
            throw Invalid($"optimizer_state has [{string.Join(", ", resume.OptimizerState.Keys)}]; {EnumNames<Optimizer>.Of(options.Optimizer)} here keeps [{string.Join(", ", buffers)}]");
        var optimizerBuffers = new Dictionary<string, double[]>();
        foreach (var (name, text) in resume.OptimizerState)
        {
            double[] values = ResumeRecord.Decode(text, model.Dtype) ?? throw Invalid($"optimizer_state.{name} is not base64 of {EnumNames<DType>.Of(model.Dtype)} values");
            if (values.LongLength != parameters)
                throw Invalid($"optimizer_state.{name} has {values.Length} values; the network has {parameters} parameters");
            if (Array.FindIndex(values, v => !double.IsFinite(v)) is int bad and >= 0)
                throw Invalid($"optimizer_state.{name}[{bad}] is {values[bad]}; a run that went on has finite optimizer state");
            if (name == OptimizerBuffers.ExpAvgSq && Array.FindIndex(values, v => v < 0) is int negative and >= 0)
                throw Invalid($"optimizer_state.{name}[{negative}] is {values[negative]}; a mean of squared gradients is never negative");
            optimizerBuffers[name] = values;
        }

        byte[]? shuffle = null;
        if (resume.ShuffleGenerator is null != options.BatchSize is null)
            throw Invalid(options.BatchSize is null ? "shuffle_generator is there, but a full-batch run does not shuffle" : "shuffle_generator is missing");
        if (resume.ShuffleGenerator is { } generator)
        {
            try
            {
                shuffle = Convert.FromBase64String(generator);
            }
            catch (FormatException)
            {
                throw Invalid("shuffle_generator is not base64");
            }
            if (ShuffleGeneratorProblem(shuffle) is string problem)
                throw Invalid($"shuffle_generator {problem}");
        }

        double[]? bestWeights = null;
        if (resume.BestWeights is null != options.EarlyStop is null)
            throw Invalid(options.EarlyStop is null ? "best_weights is there, but the run has no early stopping" : "best_weights is missing");
        if (resume.BestWeights is { } best)
        {
            bestWeights = ResumeRecord.Decode(best, model.Dtype) ?? throw Invalid($"best_weights is not base64 of {EnumNames<DType>.Of(model.Dtype)} values");
            if (bestWeights.LongLength != parameters)
                throw Invalid($"best_weights has {bestWeights.Length} values; the network has {parameters} parameters");
            if (Array.FindIndex(bestWeights, v => !double.IsFinite(v)) is int bad and >= 0)
                throw Invalid($"best_weights[{bad}] is {bestWeights[bad]}; weights are finite");
        }

        return new ResumePoint
        {
            Options = options,
            EpochsRun = epochs,
            Status = model.Training.Outcome.Status,
            StateDict = model.StateDict,
            Losses = losses,
            ValLosses = valLosses,
            WeightErrors = weightErrors,
            State = new TrainingState { OptimizerStep = resume.OptimizerStep, OptimizerBuffers = optimizerBuffers, ShuffleGenerator = shuffle, BestWeights = bestWeights },
        };
    }

    /// <summary>
    /// Why libtorch would refuse this CPU generator state, or null. libtorch does not return an error for
    /// a bad state: it aborts the process. So what its CPUGeneratorImpl::set_state checks is checked here
    /// first, on the layout it reads (CPUGeneratorImplState in aten/src/ATen/CPUGeneratorImpl.cpp: the
    /// seed as uint64, then the int32s left and seeded, the uint64 next, the Mersenne twister's 624 words).
    /// </summary>
    internal static string? ShuffleGeneratorProblem(ReadOnlySpan<byte> state)
    {
        const int StateBytes = 5056, MersenneStateN = 624;
        if (state.Length != StateBytes)
            return $"has {state.Length} bytes; libtorch's CPU generator state has {StateBytes}";
        int left = BinaryPrimitives.ReadInt32LittleEndian(state[8..]);
        int seeded = BinaryPrimitives.ReadInt32LittleEndian(state[12..]);
        ulong next = BinaryPrimitives.ReadUInt64LittleEndian(state[16..]);
        return seeded == 1 && left is > 0 and <= MersenneStateN && next <= MersenneStateN ? null : "is not a valid Mersenne twister state";
    }
}
