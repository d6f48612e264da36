using System.Numerics;
using System.Runtime.InteropServices;

namespace AddMlp.Gpu;

/// <summary>
/// The tutorial's network, Linear(2, 1) under MSE, with the portable kernels in one pass of managed code: the
/// bits <see cref="PortableNetwork"/> computes with a dozen tensor ops, from none. Per sample, in
/// <typeparamref name="T"/> and in the same order: z = w0·x0, + w1·x1, + b; d = z − y; dz = d · (2/n); the
/// terms dz·x0, dz·x1, dz and d·d. Their sums over the samples are <see cref="FixedOrderSum"/>'s: the columns
/// halved pairwise while rows × columns exceeds <see cref="FixedOrderSum.SequentialValues"/> (the first
/// halving made with the terms, so they are never stored whole), then added in order in double. Every
/// operation is an IEEE one on single elements, so vectors of any width give the same bits as libtorch's
/// kernels on any processor, and the arithmetic runs at the speed of memory.
/// </summary>
internal static class PortableLinear<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>
    /// The MSE loss on the feature-major samples (x: x0 then x1, n each; y: n), returned, and its gradient
    /// with respect to (w0, w1, b) written to <paramref name="gradient"/>. <paramref name="scratch"/> holds
    /// at least <see cref="ScratchLength"/>(n) values.
    /// </summary>
    public static T LossAndGradient(ReadOnlySpan<T> x, ReadOnlySpan<T> y, T w0, T w1, T b, Span<T> gradient, Span<T> scratch)
    {
        int n = y.Length;
        T twoOverN = T.CreateTruncating(2.0 / n); // mse_loss_backward's norm, a Scalar cast to the tensor's dtype
        ReadOnlySpan<T> x0 = x[..n], x1 = x.Slice(n, n);
        Span<double> sums = stackalloc double[4];
        if (FixedOrderSum.Halvings(4, n) == 0)
        {
            for (int j = 0; j < n; j++)
            {
                var (t0, t1, t2, t3) = Terms(x0[j], x1[j], y[j], w0, w1, b, twoOverN);
                sums[0] += double.CreateTruncating(t0);
                sums[1] += double.CreateTruncating(t1);
                sums[2] += double.CreateTruncating(t2);
                sums[3] += double.CreateTruncating(t3);
            }
        }
        else
        {
            int half = n / 2;
            Span<T> f0 = scratch[..half], f1 = scratch.Slice(half, half), f2 = scratch.Slice(2 * half, half), f3 = scratch.Slice(3 * half, half);
            FirstHalving(x0, x1, y, w0, w1, b, twoOverN, f0, f1, f2, f3);
            if (n % 2 == 1)
            {
                var (t0, t1, t2, t3) = Terms(x0[n - 1], x1[n - 1], y[n - 1], w0, w1, b, twoOverN);
                f0[0] += t0;
                f1[0] += t1;
                f2[0] += t2;
                f3[0] += t3;
            }
            Span<T> rowSums = stackalloc T[4];
            FixedOrderSum.Rows<T>(scratch[..(4 * half)], 4, half, rowSums); // the halvings after the first, and the sums
            for (int r = 0; r < 4; r++)
                sums[r] = double.CreateTruncating(rowSums[r]);
        }
        gradient[0] = T.CreateTruncating(sums[0]);
        gradient[1] = T.CreateTruncating(sums[1]);
        gradient[2] = T.CreateTruncating(sums[2]);
        return T.CreateTruncating(sums[3]) / T.CreateTruncating(n); // the loss's sum, divided by n (a Scalar in the dtype)
    }

    /// <summary>The MSE loss alone (the validation loss): the terms d·d, one row.</summary>
    public static T Loss(ReadOnlySpan<T> x, ReadOnlySpan<T> y, T w0, T w1, T b, Span<T> scratch)
    {
        int n = y.Length;
        ReadOnlySpan<T> x0 = x[..n], x1 = x.Slice(n, n);
        double sum = 0;
        if (FixedOrderSum.Halvings(1, n) == 0)
        {
            for (int j = 0; j < n; j++)
            {
                T d = Difference(x0[j], x1[j], y[j], w0, w1, b);
                sum += double.CreateTruncating(d * d);
            }
        }
        else
        {
            int half = n / 2;
            Span<T> f = scratch[..half];
            int j = 0;
            if (Vector.IsHardwareAccelerated)
            {
                var (vw0, vw1, vb) = (new Vector<T>(w0), new Vector<T>(w1), new Vector<T>(b));
                for (; j <= half - Vector<T>.Count; j += Vector<T>.Count)
                {
                    Vector<T> d = Difference(new Vector<T>(x0[j..]), new Vector<T>(x1[j..]), new Vector<T>(y[j..]), vw0, vw1, vb);
                    Vector<T> e = Difference(new Vector<T>(x0[(j + half)..]), new Vector<T>(x1[(j + half)..]), new Vector<T>(y[(j + half)..]), vw0, vw1, vb);
                    (d * d + e * e).CopyTo(f[j..]);
                }
            }
            for (; j < half; j++)
            {
                T d = Difference(x0[j], x1[j], y[j], w0, w1, b), e = Difference(x0[j + half], x1[j + half], y[j + half], w0, w1, b);
                f[j] = d * d + e * e;
            }
            if (n % 2 == 1)
            {
                T d = Difference(x0[n - 1], x1[n - 1], y[n - 1], w0, w1, b);
                f[0] += d * d;
            }
            Span<T> rowSum = stackalloc T[1];
            FixedOrderSum.Rows<T>(f, 1, half, rowSum);
            sum = double.CreateTruncating(rowSum[0]);
        }
        return T.CreateTruncating(sum) / T.CreateTruncating(n);
    }

    /// <summary>Values of scratch space a batch of <paramref name="n"/> samples needs: the first halving's four rows.</summary>
    public static int ScratchLength(int n) => 4 * (n / 2);

    /// <summary>
    /// The terms of samples j and j + half, added: the first pairwise halving of the four rows, made as the
    /// terms are (libtorch stores them whole, then adds the halves).
    /// </summary>
    private static void FirstHalving(ReadOnlySpan<T> x0, ReadOnlySpan<T> x1, ReadOnlySpan<T> y, T w0, T w1, T b, T twoOverN,
        Span<T> f0, Span<T> f1, Span<T> f2, Span<T> f3)
    {
        int half = f0.Length, j = 0;
        if (Vector.IsHardwareAccelerated)
        {
            // Loads and stores by reference: no bounds check per vector, as this loop runs at the speed of memory.
            var (vw0, vw1, vb, vc) = (new Vector<T>(w0), new Vector<T>(w1), new Vector<T>(b), new Vector<T>(twoOverN));
            ref T rx0 = ref MemoryMarshal.GetReference(x0), rx1 = ref MemoryMarshal.GetReference(x1), ry = ref MemoryMarshal.GetReference(y);
            ref T r0 = ref MemoryMarshal.GetReference(f0), r1 = ref MemoryMarshal.GetReference(f1), r2 = ref MemoryMarshal.GetReference(f2), r3 = ref MemoryMarshal.GetReference(f3);
            nuint h = (nuint)half;
            for (; j <= half - Vector<T>.Count; j += Vector<T>.Count)
            {
                nuint at = (nuint)j;
                Vector<T> a0 = Vector.LoadUnsafe(ref rx0, at), a1 = Vector.LoadUnsafe(ref rx1, at);
                Vector<T> c0 = Vector.LoadUnsafe(ref rx0, at + h), c1 = Vector.LoadUnsafe(ref rx1, at + h);
                Vector<T> d = Difference(a0, a1, Vector.LoadUnsafe(ref ry, at), vw0, vw1, vb);
                Vector<T> e = Difference(c0, c1, Vector.LoadUnsafe(ref ry, at + h), vw0, vw1, vb);
                Vector<T> dz = d * vc, ez = e * vc;
                (dz * a0 + ez * c0).StoreUnsafe(ref r0, at);
                (dz * a1 + ez * c1).StoreUnsafe(ref r1, at);
                (dz + ez).StoreUnsafe(ref r2, at);
                (d * d + e * e).StoreUnsafe(ref r3, at);
            }
        }
        for (; j < half; j++)
        {
            var (s0, s1, s2, s3) = Terms(x0[j], x1[j], y[j], w0, w1, b, twoOverN);
            var (t0, t1, t2, t3) = Terms(x0[j + half], x1[j + half], y[j + half], w0, w1, b, twoOverN);
            f0[j] = s0 + t0;
            f1[j] = s1 + t1;
            f2[j] = s2 + t2;
            f3[j] = s3 + t3;
        }
    }

    private static T Difference(T x0, T x1, T y, T w0, T w1, T b)
    {
        T z = w0 * x0;
        z += w1 * x1;
        z += b;
        return z - y;
    }

    private static Vector<T> Difference(Vector<T> x0, Vector<T> x1, Vector<T> y, Vector<T> w0, Vector<T> w1, Vector<T> b)
    {
        Vector<T> z = w0 * x0;
        z += w1 * x1;
        z += b;
        return z - y;
    }

    private static (T, T, T, T) Terms(T x0, T x1, T y, T w0, T w1, T b, T twoOverN)
    {
        T d = Difference(x0, x1, y, w0, w1, b);
        T dz = d * twoOverN;
        return (dz * x0, dz * x1, dz, d * d);
    }
}
