namespace AddMlp.Gpu;

/// <summary>How far a model's sums are from a + b on fresh pairs from one range.</summary>
/// <param name="Mae">Mean absolute error.</param>
/// <param name="Rmse">Root mean squared error.</param>
/// <param name="MaxError">Largest absolute error.</param>
public sealed record RangeError(InputRange Range, int Samples, double Mae, double Rmse, double MaxError);
