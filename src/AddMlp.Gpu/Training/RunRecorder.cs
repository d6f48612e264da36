using System.Diagnostics;
using TorchSharp.Modules;

namespace AddMlp.Gpu;

/// <summary>What a run has made so far, as a <see cref="TrainResult"/>: at a checkpoint, and when it ends.</summary>
internal sealed class RunRecorder(
    TrainOptions options, int threads, ResolvedDevice device, Sequential model, IStepOptimizer optimizer, TrainingHistory history,
    ScheduledRates rates, Minibatches? minibatches, EarlyStopping? earlyStopping, ResumePoint? resume, Stopwatch clock)
{
    public TrainResult Result(int epochsRun, TrainStatus status)
    {
        var (losses, valLosses, weightErrors) = history.ToHost(epochsRun);
        var (optimizerStep, buffers) = optimizer.Export();
        return new TrainResult
        {
            Options = options with { WeightDecay = options.EffectiveWeightDecay },
            ThreadsUsed = threads,
            Device = device,
            Status = status,
            EpochsRun = epochsRun,
            Losses = losses,
            ValLosses = valLosses,
            WeightErrors = weightErrors,
            LearningRates = rates.Through(epochsRun),
            StateDict = AdderNet.StateDict(model),
            State = new TrainingState { OptimizerStep = optimizerStep, OptimizerBuffers = buffers, ShuffleGenerator = minibatches?.GeneratorState, BestWeights = earlyStopping?.Weights() },
            BestEpoch = earlyStopping?.Epoch,
            ResumedAt = resume?.EpochsRun ?? 0,
            Elapsed = clock.Elapsed,
            FinishedUtc = DateTimeOffset.UtcNow,
        };
    }
}
