namespace AddMlp.Gpu;

/// <summary>
/// Estimates the memory a training run needs, so that a run that cannot fit is refused with a
/// clear message before anything is allocated, rather than dying half-way.
/// </summary>
public static class MemoryEstimate
{
    /// <summary>
    /// Bytes a run needs at its peak, approximately: the data (inputs and labels), and per sample the
    /// forward activations and their gradients (each hidden layer's pre-activation and activation, and
    /// the output's prediction, difference and square); and the portable
    /// kernels' per-sample gradient terms, a slice of at most <see cref="PortableNetwork.GradientTermValues"/>
    /// values at a time, about three times over while they are summed. Not the per-epoch loss history: it
    /// grows as the run goes (a few values an epoch), so a huge epoch count stopped early costs what it used.
    /// </summary>
    public static long TrainingBytes(TrainOptions options)
    {
        long bytesPerValue = options.DType == DType.Float64 ? sizeof(double) : sizeof(float);
        Architecture a = options.Architecture;
        long perSample = a.Inputs + a.Outputs               // X and y
                         + 2 * 2 * a.Hidden.Sum(h => (long)h) // hidden pre-activations and activations, with gradients
                         + 2 * 3 * a.Outputs;                 // prediction, difference, square, with gradients
        long parameters = a.ParameterCount;
        long samples = options.SampleCount;
        long gradientTerms = 3 * Math.Min(PortableNetwork.GradientTermValues, samples * (parameters + 1));
        // The CPU copy the data is made in: float32 pairs and sums, or a file's rows read as float64 (twice, while they become a tensor).
        long cpuCopy = options.Data is null ? sizeof(float) * samples * 3 : 2 * sizeof(double) * samples * 3;
        return bytesPerValue * (samples * perSample + 4 * parameters + gradientTerms) + cpuCopy;
    }

    /// <summary>Memory this process can still use: the smaller of the machine's available memory and the process limit.</summary>
    public static long AvailableBytes()
    {
        long limit = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        if (OperatingSystem.IsLinux())
        {
            try
            {
                string? line = File.ReadLines("/proc/meminfo").FirstOrDefault(l => l.StartsWith("MemAvailable:", StringComparison.Ordinal));
                if (line is not null && long.TryParse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], out long kib))
                    limit = Math.Min(limit, kib * 1024);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // no /proc: keep the runtime's figure
            }
        }
        return limit;
    }

    /// <summary>Throws <see cref="TrainingTooLargeException"/> when the run would not fit in memory.</summary>
    public static void EnsureFits(TrainOptions options, ResolvedDevice device)
    {
        long needed = TrainingBytes(options);
        long available = AvailableBytes();
        if (needed > available)
            throw new TrainingTooLargeException(options.SampleCount, options.Epochs, needed, available, device.IsCuda) { DataFile = options.Data };
    }
}

/// <summary>A run would need more memory than the machine has; refused before anything was allocated.</summary>
/// <param name="Samples">The run's sample count.</param>
/// <param name="Epochs">The run's epochs (the per-epoch history takes memory too).</param>
/// <param name="NeededBytes">About how much the run would need at its peak.</param>
/// <param name="AvailableBytes">How much this process can still use.</param>
/// <param name="OnGpuHost">The run is for a GPU: the data is made in host memory first.</param>
public sealed class TrainingTooLargeException(int samples, int epochs, long neededBytes, long availableBytes, bool onGpuHost)
    : Exception($"{samples} samples over {epochs} epochs would need about {neededBytes} bytes of {(onGpuHost ? "host " : "")}memory; {availableBytes} are available")
{
    public int Samples { get; } = samples;
    public int Epochs { get; } = epochs;
    public long NeededBytes { get; } = neededBytes;
    public long AvailableBytes { get; } = availableBytes;
    public bool OnGpuHost { get; } = onGpuHost;

    /// <summary>The data file whose rows are the samples; null for generated pairs.</summary>
    public DataFile? DataFile { get; init; }
}
