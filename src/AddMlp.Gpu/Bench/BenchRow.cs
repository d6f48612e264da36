using System.Text.Json.Serialization;

namespace AddMlp.Gpu;

/// <summary>One benchmark measurement: steady-state training steps at one sample count on one device. Its JSON names are those of the benchmark's report.</summary>
/// <param name="Samples">Rows of X (and y).</param>
/// <param name="Device">cpu or cuda:N.</param>
/// <param name="Kernels">The kernels the steps were computed with.</param>
/// <param name="Threads">libtorch's CPU threads during the measurement.</param>
/// <param name="Steps">How many steps were timed (after the warm-up).</param>
/// <param name="MicrosecondsPerStep">Wall time of one training step (zero_grad, forward, MSE, backward, optimizer step).</param>
/// <param name="CopyMicroseconds">Wall time of one plain copy of X and y on the same device (read and write once).</param>
/// <param name="PeakRssBytes">The process's peak resident memory during this measurement (Linux), else null.</param>
public sealed record BenchRow(
    long Samples,
    string Device,
    Kernels Kernels,
    int Threads,
    int Steps,
    [property: JsonPropertyName("us_per_step")] double MicrosecondsPerStep,
    [property: JsonPropertyName("copy_us")] double CopyMicroseconds,
    long? PeakRssBytes)
{
    /// <summary>Tensors a step made (TorchSharp's count): its libtorch ops and views, the cost that does not shrink with the data.</summary>
    [JsonPropertyName("tensors_per_step")]
    public double TensorsPerStep { get; init; }

    /// <summary>Bytes of X and y: 3 float32 per sample.</summary>
    [JsonIgnore]
    public long DataBytes => Samples * 3 * sizeof(float);

    [JsonPropertyName("samples_per_s")]
    public double SamplesPerSecond => Samples / (MicrosecondsPerStep * 1e-6);

    /// <summary>The rate at which a step streams the data set: bytes of X and y per step time.</summary>
    [JsonPropertyName("effective_gb_per_s")]
    public double EffectiveGigabytesPerSecond => DataBytes / (MicrosecondsPerStep * 1e-6) / 1e9;

    /// <summary>The copy's rate, counting the read and the write: 2 × bytes of X and y per copy time.</summary>
    [JsonPropertyName("copy_gb_per_s")]
    public double CopyGigabytesPerSecond => 2.0 * DataBytes / (CopyMicroseconds * 1e-6) / 1e9;

    /// <summary>How many plain copies of the data one training step costs.</summary>
    public double StepsPerCopy => MicrosecondsPerStep / CopyMicroseconds;
}
