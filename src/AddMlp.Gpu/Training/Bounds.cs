using System.Globalization;

namespace AddMlp.Gpu;

/// <summary>An interval an option's value must lie in, described as a message says it ("above 0", "from 0 to below 1").</summary>
public sealed record Bounds(double Min, bool MinExclusive, double Max = double.PositiveInfinity, bool MaxExclusive = false)
{
    public static Bounds Positive { get; } = new(0, MinExclusive: true);
    public static Bounds NonNegative { get; } = new(0, MinExclusive: false);
    /// <summary>1, 2, 3, ...: a count of epochs, samples, ... (whole numbers; the bounds do not say so).</summary>
    public static Bounds Counting { get; } = new(1, MinExclusive: false);
    /// <summary>[0, 1).</summary>
    public static Bounds Fraction { get; } = new(0, MinExclusive: false, 1, MaxExclusive: true);
    /// <summary>[0, 1].</summary>
    public static Bounds UnitInterval { get; } = new(0, MinExclusive: false, 1, MaxExclusive: false);

    public bool Contains(double value) =>
        (MinExclusive ? value > Min : value >= Min) && (MaxExclusive ? value < Max : value <= Max);

    public override string ToString()
    {
        string min = Min.ToString(CultureInfo.InvariantCulture), max = Max.ToString(CultureInfo.InvariantCulture);
        string low = MinExclusive ? $"above {min}" : $"at least {min}";
        if (double.IsPositiveInfinity(Max))
            return low;
        if (MaxExclusive)
            return MinExclusive ? $"above {min} and below {max}" : $"from {min} to below {max}";
        return $"{low} and at most {max}";
    }
}
