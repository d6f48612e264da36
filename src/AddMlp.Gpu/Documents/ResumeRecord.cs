using System.Buffers.Binary;

namespace AddMlp.Gpu;

/// <summary>
/// The model file's "resume" block (version 2): what a run needs besides its weights and options to
/// continue exactly (<see cref="ResumePoint"/>). Arrays are base64 of little-endian values in the
/// model's dtype, so they come back bit for bit; the shuffling generator is libtorch's own state bytes.
/// </summary>
public sealed record ResumeRecord
{
    public required long OptimizerStep { get; init; }
    /// <summary>exp_avg, exp_avg_sq (adam, adamw) or momentum_buffer (sgd): one value per parameter, state_dict order.</summary>
    public required Dictionary<string, string> OptimizerState { get; init; }
    public string? ShuffleGenerator { get; init; }
    /// <summary>Every epoch's training loss so far (the loss-curve file's "loss").</summary>
    public required string Loss { get; init; }
    public string? ValLoss { get; init; }
    public string? WeightError { get; init; }
    /// <summary>With early stopping: the best epoch's weights, state_dict order (the epoch is val_loss's first minimum).</summary>
    public string? BestWeights { get; init; }

    public static ResumeRecord From(TrainResult result)
    {
        DType dtype = result.Options.DType;
        return new ResumeRecord
        {
            OptimizerStep = result.State.OptimizerStep,
            OptimizerState = result.State.OptimizerBuffers.ToDictionary(b => b.Key, b => Encode(b.Value, dtype)),
            ShuffleGenerator = result.State.ShuffleGenerator is { } g ? Convert.ToBase64String(g) : null,
            Loss = Encode(result.Losses, dtype),
            ValLoss = result.ValLosses is { } val ? Encode(val, dtype) : null,
            WeightError = result.WeightErrors is { } err ? Encode(err, dtype) : null,
            BestWeights = result.State.BestWeights is { } best ? Encode(best, dtype) : null,
        };
    }

    /// <summary>Values of <paramref name="dtype"/> held as doubles (so exactly), as base64 of their little-endian bytes.</summary>
    internal static string Encode(double[] values, DType dtype)
    {
        int size = Size(dtype);
        var bytes = new byte[values.Length * size];
        for (int i = 0; i < values.Length; i++)
        {
            if (dtype == DType.Float32)
                BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * size), (float)values[i]);
            else
                BinaryPrimitives.WriteDoubleLittleEndian(bytes.AsSpan(i * size), values[i]);
        }
        return Convert.ToBase64String(bytes);
    }

    /// <summary>The values <see cref="Encode"/> wrote, or null when <paramref name="text"/> is not base64 of whole values.</summary>
    internal static double[]? Decode(string text, DType dtype)
    {
        int size = Size(dtype);
        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(text);
        }
        catch (FormatException)
        {
            return null;
        }
        if (bytes.Length % size != 0)
            return null;
        var values = new double[bytes.Length / size];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = dtype == DType.Float32
                ? BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(i * size))
                : BinaryPrimitives.ReadDoubleLittleEndian(bytes.AsSpan(i * size));
        }
        return values;
    }

    private static int Size(DType dtype) => dtype == DType.Float32 ? sizeof(float) : sizeof(double);
}
