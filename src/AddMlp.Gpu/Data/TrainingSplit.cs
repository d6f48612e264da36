using static TorchSharp.torch;

namespace AddMlp.Gpu;

/// <summary>
/// The data on the training device in the training dtype, split into training rows and held-out
/// validation rows (the last ones: the pairs are independent draws, so that is a random split).
/// </summary>
internal sealed class TrainingSplit : IDisposable
{
    public required Tensor X { get; init; }
    public required Tensor Y { get; init; }
    public Tensor? ValX { get; init; }
    public Tensor? ValY { get; init; }

    /// <summary>
    /// Copies the CPU data where training happens, laid out as the training step takes it (<paramref name="layout"/>
    /// of each [n, k] part; by default as it is), and frees the CPU copies.
    /// </summary>
    public static TrainingSplit Create(Tensor x, Tensor y, int validationRows, Device device, ScalarType dtype, Func<Tensor, Tensor>? layout = null)
    {
        using (x)
        using (y)
        using (NewDisposeScope())
            return Split(x, y, validationRows, device, dtype, layout ?? (t => t));
    }

    private static TrainingSplit Split(Tensor x, Tensor y, int validationRows, Device device, ScalarType dtype, Func<Tensor, Tensor> layout)
    {
        long n = x.shape[0] - validationRows;
        Tensor Place(Tensor t, long start, long rows) => layout(t.narrow(0, start, rows).to(dtype).to(device, copy: true)).MoveToOuterDisposeScope();
        return new TrainingSplit
        {
            X = Place(x, 0, n),
            Y = Place(y, 0, n),
            ValX = validationRows > 0 ? Place(x, n, validationRows) : null,
            ValY = validationRows > 0 ? Place(y, n, validationRows) : null,
        };
    }

    public void Dispose()
    {
        X.Dispose();
        Y.Dispose();
        ValX?.Dispose();
        ValY?.Dispose();
    }
}
