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

    /// <summary>Shortest form that reads back to the same value, as files write it.</summary>
    public static string Exact(double value) => FloatText.Shortest(value);

    /// <summary>A plain number for a sentence: 0.1, 1E-05.</summary>
    public static string Plain(double value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>y = 0.99998·a + 1.00001·b + 0.00003: a linear model's learned rule.</summary>
    public static string Formula((double W0, double W1, double Bias) c) =>
        $"y = {Coefficient(c.W0)}·a {Signed(c.W1)}·b {Signed(c.Bias)}";

    private static string Coefficient(double value) => value.ToString("F5", CultureInfo.InvariantCulture);

    /// <summary>"- 0.25000" for a negative value, else "+ 0.25000"; a value that shows as 0.00000 gets "+", whatever its sign.</summary>
    private static string Signed(double value) => value < 0 && Coefficient(-value) != Coefficient(0) ? $"- {Coefficient(-value)}" : $"+ {Coefficient(Math.Abs(value))}";
}
