using static TorchSharp.torch;

namespace AddMlp.Gpu;

/// <summary>Continuing a run (<see cref="TrainControl.ResumeFrom"/>) exactly as if it had never stopped.</summary>
internal static class Resumption
{
    /// <summary>
    /// The options a resumed run goes on with: its own kernels, unless others are asked for. Throws
    /// <see cref="ArgumentException"/> for options that would make another run, or a run with nothing left to do.
    /// </summary>
    public static TrainOptions Options(TrainOptions options, ResumePoint resume)
    {
        options = options with { Kernels = options.Kernels ?? resume.Options.Kernels }; // a resumed run computes as it began
        if (!ResumePoint.SameRun(resume.Options, options))
            throw new ArgumentException("a resumed run keeps its options, except " + string.Join(", ", ResumePoint.MayChange(resume.Options)), nameof(options));
        if (resume.Status == TrainStatus.EarlyStopped)
            throw new ArgumentException("the run stopped early, at its best epoch: there is nothing to continue", nameof(resume));
        if (resume.EpochsRun >= options.Epochs)
            throw new ArgumentException($"the run has already run {resume.EpochsRun} epochs; Epochs ({options.Epochs}) is the total and must be more", nameof(options));
        return options;
    }

    /// <summary>Puts a new run's model, optimizer and shuffling where the resumed run left them.</summary>
    public static void Restore(ResumePoint resume, Architecture architecture, FlatParameters parameters, IStepOptimizer optimizer, Minibatches? minibatches)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        double[] values = [.. architecture.Parameters().SelectMany(p => resume.StateDict[p.Name].Values)]; // state_dict order, as FlatParameters lays them out
        parameters.Values.copy_(tensor(values, dtype: float64).to(parameters.Values.dtype).to(parameters.Values.device));
        optimizer.Restore(resume.State.OptimizerStep, resume.State.OptimizerBuffers);
        if (minibatches is not null)
            minibatches.GeneratorState = resume.State.ShuffleGenerator ?? throw new ArgumentException("a minibatch run's resume point needs its shuffling generator's state");
    }
}
