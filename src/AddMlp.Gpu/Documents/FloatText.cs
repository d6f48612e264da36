using System.Globalization;

namespace AddMlp.Gpu;

/// <summary>
/// How addmlp writes and reads numbers as text, in files and on the command line alike: the invariant
/// culture, and the shortest form that reads back to the same value. A double that is exactly a float32
/// (every value of a float32 model) is written in float32's shortest form (0.99999994, not
/// 0.9999999403953552); read back and narrowed to float32 it is bit-identical.
/// </summary>
public static class FloatText
{
    /// <summary>Shortest text that reads back to <paramref name="value"/> (or to the float32 it exactly is); NaN, Infinity, -Infinity as such.</summary>
    public static string Shortest(double value) => IsFloat32(value)
        ? ((float)value).ToString(CultureInfo.InvariantCulture)
        : value.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// <see cref="Shortest"/>'s text as UTF-8 into <paramref name="utf8"/> (32 bytes always suffice), for
    /// writers of many numbers: no string per number.
    /// </summary>
    public static bool TryWriteShortest(double value, Span<byte> utf8, out int written) => IsFloat32(value)
        ? ((float)value).TryFormat(utf8, out written, default, CultureInfo.InvariantCulture)
        : value.TryFormat(utf8, out written, default, CultureInfo.InvariantCulture);

    /// <summary>Written in float32's shortest form: exactly a float32, or NaN or an infinity.</summary>
    private static bool IsFloat32(double value) => (float)value == value || !double.IsFinite(value);

    /// <summary>Parses a number written in the invariant culture (1.5, -2, 3e-4, NaN, Infinity).</summary>
    public static bool TryParse(string? text, out double value) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value);

    /// <summary>As <see cref="TryParse"/>, and the value is finite.</summary>
    public static bool TryParseFinite(string? text, out double value) => TryParse(text, out value) && double.IsFinite(value);

    /// <summary>
    /// Each value rounded to float32 and widened back: exact for values that were float32 before they
    /// were written in float32's shortest form and read back as doubles.
    /// </summary>
    public static double[] NarrowToFloat32(double[] values) => [.. values.Select(v => (double)(float)v)];
}
