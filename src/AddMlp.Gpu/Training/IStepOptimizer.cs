namespace AddMlp.Gpu;

/// <summary>
/// Updates the parameters from their gradients (<see cref="FlatParameters"/>) by PyTorch's Adam, AdamW or
/// SGD (<see cref="TrainOptions.Optimizer"/>), and keeps what a resumed run needs. On the CPU the update is
/// a loop over the parameters on the host (<see cref="HostOptimizer{T}"/>); on a GPU it is a few tensor
/// ops on the device (<see cref="DeviceOptimizer"/>), so that a step never waits for the GPU.
/// </summary>
internal interface IStepOptimizer : IDisposable
{
    /// <summary>One step from the gradients in <see cref="FlatParameters.Grad"/>.</summary>
    void Step();

    /// <summary>
    /// The rate (and momentum, where the schedule sets it) the next steps take: a schedule's, set before
    /// each epoch, as torch.optim reads param_groups' lr and betas (Adam, AdamW) or momentum (SGD).
    /// </summary>
    void SetRate(EpochRate rate);

    /// <summary>Steps taken, and the buffers by torch.optim's names: what a resumed run needs (<see cref="TrainingState"/>).</summary>
    (long Step, Dictionary<string, double[]> Buffers) Export();

    /// <summary>Takes up a run where <see cref="Export"/> left it (the buffers' names checked by <see cref="ResumePoint"/>).</summary>
    void Restore(long step, IReadOnlyDictionary<string, double[]> buffers);

    /// <summary>
    /// Remembers the state now (the start of a minibatch epoch), for <see cref="Rewind"/>: an epoch cut
    /// short must leave the optimizer as the last whole epoch left it, or a resumed run would differ.
    /// </summary>
    void Mark();

    /// <summary>Puts the state back as <see cref="Mark"/> found it.</summary>
    void Rewind();

    /// <summary>The optimizer for where the parameters live: a host loop for the CPU, tensor ops for a GPU.</summary>
    static IStepOptimizer For(FlatParameters parameters, TrainOptions options) =>
        parameters.Values.device_type != TorchSharp.DeviceType.CPU ? new DeviceOptimizer(parameters, options)
        : parameters.Values.dtype == TorchSharp.torch.ScalarType.Float64 ? new HostOptimizer<double>(parameters, options)
        : new HostOptimizer<float>(parameters, options);
}
