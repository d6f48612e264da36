using static TorchSharp.torch;

namespace AddMlp.Gpu;

/// <summary>The rows a run trains on, on the CPU: generated pairs (<see cref="AdditionData"/>), or a data file's.</summary>
internal static class TrainingData
{
    /// <summary>
    /// A data file's rows come in a random order drawn from torch's seeded generator: the held-out
    /// validation rows are the last ones, which must be a random choice, not the end of a file that may be
    /// sorted. Generated pairs are independent draws already, and keep the tutorial's order.
    /// </summary>
    public static (Tensor X, Tensor Y) Create(TrainOptions options)
    {
        if (options.Data is not { } file)
            return AdditionData.Create(options.Samples, options.Range, options.Noise);
        using var scope = NewDisposeScope();
        var (x, y) = file.Load();
        Tensor order = randperm(x.shape[0], dtype: int64, device: CPU);
        return (x.index_select(0, order).MoveToOuterDisposeScope(), y.index_select(0, order).MoveToOuterDisposeScope());
    }
}
