namespace AddMlp.Gpu;

/// <summary>Helpers for float32 values carried as doubles.</summary>
internal static class Float32
{
    /// <summary>
    /// Each value rounded to float32 and widened back. Exact for values that were float32 before they
    /// were written in float32's shortest form and read back as doubles.
    /// </summary>
    public static double[] Narrow(double[] values) => values.Select(v => (double)(float)v).ToArray();
}
