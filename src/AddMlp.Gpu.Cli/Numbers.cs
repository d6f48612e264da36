using System.Globalization;

namespace AddMlp.Gpu.Cli;

/// <summary>How addmlp writes numbers for people: invariant culture, the tutorial's loss format.</summary>
public static class Numbers
{
    /// <summary>The tutorial's loss format, Python's "{:.3e}": 1.198e+00.</summary>
    public static string Loss(double value) => value switch
    {
        double.NaN => "nan",
        double.PositiveInfinity => "inf",
        double.NegativeInfinity => "-inf",
        _ => value.ToString("0.000e+00", CultureInfo.InvariantCulture),
    };

    /// <summary>Shortest form that reads back to the same value (float32's shortest when the value is a float32).</summary>
    public static string Exact(double value) => (float)value == value ? ((float)value).ToString(CultureInfo.InvariantCulture) : value.ToString(CultureInfo.InvariantCulture);

    /// <summary>A plain number for a sentence: 0.1, 1E-05.</summary>
    public static string Plain(double value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>Parses a finite number written in the invariant culture (1.5, -2, 3e-4).</summary>
    public static bool TryParseFinite(string text, out double value) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && double.IsFinite(value);
}
