using System.Globalization;

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
    /// the output's prediction, difference and square), plus the per-epoch loss history.
    /// </summary>
    public static long TrainingBytes(TrainOptions options)
    {
        long bytesPerValue = options.DType == "float64" ? sizeof(double) : sizeof(float);
        Architecture a = options.Architecture;
        long perSample = a.Inputs + a.Outputs               // X and y
                         + 2 * 2 * a.Hidden.Sum(h => (long)h) // hidden pre-activations and activations, with gradients
                         + 2 * 3 * a.Outputs;                 // prediction, difference, square, with gradients
        long parameters = a.Parameters().Sum(p => p.Shape.Aggregate(1L, (n, d) => n * d));
        long history = options.Epochs * (2L + (a.Hidden.Count == 0 ? 3 : 0)); // loss, val_loss, weights
        return bytesPerValue * (options.Samples * perSample + 4 * parameters + history)
               + sizeof(float) * (long)options.Samples * 3; // the float32 CPU copy the data is made in
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
            catch (IOException)
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
        if (needed <= available)
            return;
        string memory = device.IsCuda ? "host memory (the data is made there first)" : "memory";
        throw new TrainingTooLargeException(
            $"--samples {options.Samples} (with --epochs {options.Epochs}) would need about {GiB(needed)} of {memory}, " +
            $"but {GiB(available)} is available; use fewer samples");
    }

    private static string GiB(long bytes) => (bytes / (double)(1L << 30)).ToString("F1", CultureInfo.InvariantCulture) + " GiB";
}
