using System.Numerics;
using System.Runtime.InteropServices;
using static TorchSharp.torch;

namespace AddMlp.Gpu;

/// <summary>
/// Row sums whose order of additions is fixed by the tensor's shape alone. libtorch's own sum splits the
/// work by vector width and thread count, so its last bits depend on the processor and on --threads;
/// here the columns are first added pairwise (column j to column j + half, whole columns at a time: each
/// element is one IEEE addition whatever the vector width or thread; an odd column out goes to column
/// 0), then the few columns left are summed one after another by cumsum, which on the CPU runs each row
/// as a plain loop with a double accumulator.
/// </summary>
internal static class FixedOrderSum
{
    /// <summary>
    /// Values the sequential pass may add per call: the pairwise halving stops once rows × columns is at most
    /// this, so that the sequential loops (a few cycles per addition, one row at a time) stay short.
    /// </summary>
    public const long SequentialValues = 4096;

    /// <summary>The sum of each row of <paramref name="values"/> ([rows, columns], columns ≥ 1): a [rows] tensor.</summary>
    public static Tensor Rows(Tensor values)
    {
        int halvings = Halvings(values.shape[0], values.shape[1]);
        for (int i = 0; i < halvings; i++)
        {
            // Column j plus column j + half; an odd column out is added to column 0.
            long columns = values.shape[1], half = columns / 2;
            Tensor folded = values.narrow(1, 0, half).add(values.narrow(1, half, half));
            if (columns % 2 == 1)
                folded.narrow(1, 0, 1).add_(values.narrow(1, 2 * half, 1));
            values = folded;
        }
        return values.cumsum(1).select(1, values.shape[1] - 1);
    }

    /// <summary>
    /// The same sums computed on the host, to the bit: <paramref name="values"/> holds <paramref name="rows"/> rows
    /// of <paramref name="columns"/> values each (overwritten), <paramref name="sums"/> gets each row's sum.
    /// Each addition is one IEEE operation on single elements, so vectors of any width change no bit.
    /// </summary>
    public static void Rows<T>(Span<T> values, int rows, int columns, Span<T> sums)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int halvings = Halvings(rows, columns);
        for (int r = 0; r < rows; r++)
        {
            Span<T> row = values.Slice(r * columns, columns);
            int c = columns;
            for (int k = 0; k < halvings; k++)
            {
                int half = c / 2;
                AddHalves(row, half);
                if (c % 2 == 1)
                    row[0] += row[2 * half];
                c = half;
            }
            double sum = 0; // cumsum's accumulator, rounded once at the end
            foreach (T v in row[..c])
                sum += double.CreateTruncating(v);
            sums[r] = T.CreateTruncating(sum);
        }
    }

    /// <summary>Column j plus column j + half, for j below half, in place.</summary>
    private static void AddHalves<T>(Span<T> row, int half)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int j = 0;
        if (Vector.IsHardwareAccelerated)
        {
            ref T r = ref MemoryMarshal.GetReference(row);
            for (; j <= half - Vector<T>.Count; j += Vector<T>.Count)
                (Vector.LoadUnsafe(ref r, (nuint)j) + Vector.LoadUnsafe(ref r, (nuint)(j + half))).StoreUnsafe(ref r, (nuint)j);
        }
        for (; j < half; j++)
            row[j] += row[j + half];
    }

    /// <summary>How many times the columns are halved before the sequential pass.</summary>
    internal static int Halvings(long rows, long columns)
    {
        int halvings = 0;
        while (columns > 1 && rows * columns > SequentialValues)
        {
            columns /= 2;
            halvings++;
        }
        return halvings;
    }
}
