namespace AddMlp.Gpu;

/// <summary>
/// Addition has an exact solution that no general training tool knows: y = 1·a + 1·b + 0. For a
/// model without hidden layers the learned (w, b) can be compared with it directly.
/// </summary>
public static class ExactRule
{
    /// <summary>How close (w, b) must be to ([1, 1], 0) to count as the exact rule.</summary>
    public const double Tolerance = 1e-4;

    /// <summary>The learned coefficients of a linear model: y = W0·a + W1·b + Bias; null for one with hidden layers.</summary>
    public static (double W0, double W1, double Bias)? Coefficients(Architecture architecture, IReadOnlyDictionary<string, TensorData> stateDict)
    {
        if (!architecture.IsLinear)
            return null;
        double[] w = stateDict["0.weight"].Values;
        return (w[0], w[1], stateDict["0.bias"].Values[0]);
    }

    /// <summary>Euclidean distance of (w, b) to ([1, 1], 0).</summary>
    public static double Distance((double W0, double W1, double Bias) c) =>
        Math.Sqrt((c.W0 - 1) * (c.W0 - 1) + (c.W1 - 1) * (c.W1 - 1) + c.Bias * c.Bias);

    /// <summary>Euclidean distance of w alone to [1, 1].</summary>
    public static double WeightDistance((double W0, double W1, double Bias) c) =>
        Math.Sqrt((c.W0 - 1) * (c.W0 - 1) + (c.W1 - 1) * (c.W1 - 1));

    /// <summary><see cref="Distance"/> of each (w0, w1, b) in <paramref name="wb"/> (three values a row), computed here in double: the same bits on every processor.</summary>
    internal static double[] Distances(double[] wb)
    {
        var distances = new double[wb.Length / 3];
        for (int row = 0; row < distances.Length; row++)
            distances[row] = Distance((wb[3 * row], wb[3 * row + 1], wb[3 * row + 2]));
        return distances;
    }
}
