using static TorchSharp.torch;

namespace AddMlp.Gpu.Tests;

/// <summary>
/// PortableMath's exp, tanh, erf and GELU are accurate to an ulp or three of double: against .NET's own exp
/// and tanh (the C library's), against libtorch's double erf, and GELU's derivative against its
/// difference quotient; on values from 1e-300 to the overflow limits, and on the special ones.
/// </summary>
[Collection(TorchCollection.Name)]
public sealed class PortableMathTests
{
    /// <summary>Points across the range: uniform on [-lim, lim], and spread over many binades.</summary>
    private static double[] Points(double limit, int seed)
    {
        var random = new Random(seed);
        var uniform = Enumerable.Range(0, 50_000).Select(_ => (random.NextDouble() * 2 - 1) * limit);
        var spread = Enumerable.Range(0, 50_000).Select(_ => (random.Next(2) * 2 - 1) * Math.Pow(10, random.NextDouble() * Math.Log10(limit) * 2 - Math.Log10(limit)));
        return [.. uniform, .. spread, 0.0, -0.0, 0.84375, 1.25, 1 / 0.35, 6, 0.35, -0.35, 3.7e-9, 1e-300];
    }

    private static long Ulps(double a, double b) => a == b ? 0 : Math.Abs(BitConverter.DoubleToInt64Bits(a) - BitConverter.DoubleToInt64Bits(b));

    [Fact]
    public void Exp_is_within_an_ulp_of_the_C_librarys()
    {
        foreach (double x in Points(700, 1))
            Assert.True(Ulps(PortableMath.Exp(x), Math.Exp(x)) <= 1, $"exp({x:R}): {PortableMath.Exp(x):R}, C library {Math.Exp(x):R}");
        Assert.Equal(double.PositiveInfinity, PortableMath.Exp(710));
        Assert.Equal(0.0, PortableMath.Exp(-746));
        Assert.Equal(0.0, PortableMath.Exp(double.NegativeInfinity));
        Assert.True(double.IsNaN(PortableMath.Exp(double.NaN)));
        Assert.Equal(Math.Exp(-740), PortableMath.Exp(-740)); // subnormal: one rounding
    }

    [Fact]
    public void Tanh_is_within_three_ulps_of_the_C_librarys()
    {
        foreach (double x in Points(30, 2))
            Assert.True(Ulps(PortableMath.Tanh(x), Math.Tanh(x)) <= 3, $"tanh({x:R}): {PortableMath.Tanh(x):R}, C library {Math.Tanh(x):R}");
        Assert.Equal(1.0, PortableMath.Tanh(double.PositiveInfinity));
        Assert.Equal(-1.0, PortableMath.Tanh(double.NegativeInfinity));
        Assert.True(double.IsNaN(PortableMath.Tanh(double.NaN)));
    }

    [Fact]
    public void Erf_is_within_two_ulps_of_libtorchs()
    {
        double[] points = Points(7, 3);
        using var scope = NewDisposeScope();
        double[] reference = tensor(points).erf().data<double>().ToArray();
        for (int i = 0; i < points.Length; i++)
            Assert.True(Ulps(PortableMath.Erf(points[i]), reference[i]) <= 2, $"erf({points[i]:R}): {PortableMath.Erf(points[i]):R}, libtorch {reference[i]:R}");
        Assert.Equal(1.0, PortableMath.Erf(double.PositiveInfinity));
        Assert.Equal(-1.0, PortableMath.Erf(-6));
        Assert.True(double.IsNaN(PortableMath.Erf(double.NaN)));
    }

    [Fact]
    public void Gelu_is_libtorchs_and_its_derivative_is_its_slope()
    {
        double[] points = Points(12, 4);
        using var scope = NewDisposeScope();
        double[] reference = nn.functional.gelu(tensor(points)).data<double>().ToArray();
        for (int i = 0; i < points.Length; i++)
        {
            double x = points[i];
            Assert.True(Math.Abs(PortableMath.Gelu(x) - reference[i]) <= 4e-16 * Math.Max(1, Math.Abs(x)), $"gelu({x:R}): {PortableMath.Gelu(x):R}, libtorch {reference[i]:R}");
            double h = 1e-6 * Math.Max(1, Math.Abs(x));
            double slope = (PortableMath.Gelu(x + h) - PortableMath.Gelu(x - h)) / (2 * h);
            Assert.True(Math.Abs(PortableMath.GeluDerivative(x) - slope) <= 1e-7, $"gelu'({x:R}): {PortableMath.GeluDerivative(x):R}, slope {slope:R}");
        }
    }
}
