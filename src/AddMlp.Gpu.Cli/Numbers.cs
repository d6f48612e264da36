using System.Globalization;

namespace AddMlp.Gpu.Cli;

/// <summary>How addmlp writes numbers for people: invariant culture, the tutorial's loss format.</summary>
public static class Numbers
{
    /// <summary>The tutorial's loss format, Python's "{:.3e}": 1.198e+00.</summary>
    public static string Loss(float value) => value switch
    {
        float.NaN => "nan",
        float.PositiveInfinity => "inf",
        float.NegativeInfinity => "-inf",
        _ => value.ToString("0.000e+00", CultureInfo.InvariantCulture),
    };

    /// <summary>Shortest form that reads back to the same float.</summary>
    public static string Exact(float value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>Parses a finite number written in the invariant culture (1.5, -2, 3e-4).</summary>
    public static bool TryParseFinite(string text, out double value) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && double.IsFinite(value);
}
