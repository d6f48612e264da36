using System.Globalization;

namespace AddMlp.Gpu;

/// <summary>A half-open interval [Low, High) that inputs are drawn from, written "LO:HI" (e.g. "0:1", "-100:100").</summary>
public readonly record struct InputRange(double Low, double High)
{
    /// <summary>The tutorial's range, [0, 1).</summary>
    public static InputRange Unit { get; } = new(0, 1);

    /// <summary>A wide range to check extrapolation on: 100 times the unit range in each direction, and negative.</summary>
    public static InputRange Wide { get; } = new(-100, 100);

    public static bool TryParse(string text, out InputRange range, out string? problem)
    {
        range = default;
        string[] parts = text.Split(':');
        if (parts.Length != 2
            || !double.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out double low)
            || !double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out double high))
        {
            problem = $"'{text}' is not a range: write LO:HI, e.g. 0:1 or -100:100";
            return false;
        }
        if (!double.IsFinite(low) || !double.IsFinite(high) || Math.Abs(low) > 1e18 || Math.Abs(high) > 1e18)
        {
            problem = $"'{text}': both ends must be finite numbers within ±1e18";
            return false;
        }
        if (low >= high)
        {
            problem = $"'{text}' is empty: LO must be below HI";
            return false;
        }
        range = new InputRange(low, high);
        problem = null;
        return true;
    }

    public override string ToString() =>
        $"{Low.ToString(CultureInfo.InvariantCulture)}:{High.ToString(CultureInfo.InvariantCulture)}";
}
