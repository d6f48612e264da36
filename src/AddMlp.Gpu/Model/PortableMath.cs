namespace AddMlp.Gpu;

/// <summary>
/// The transcendental functions the portable kernels need (tanh, and erf and exp for GELU), in double
/// precision from +, −, ×, ÷ alone, so that every processor computes the same bits: libtorch's own tanh,
/// erf and exp go through MKL's vector library, whose code path (and last bits) depends on the CPU, and
/// the C library's may be built with or without fused multiply-adds. Accurate to 1 to 3 ulps of double
/// (<c>PortableMathTests</c> measure it); a float32 network rounds the result once.
/// </summary>
/// <remarks>
/// exp and erf follow fdlibm's algorithms and coefficients (e_exp.c, s_erf.c: Copyright (C) 1993 by Sun
/// Microsystems, Inc.; permission to use, copy, modify, and distribute this software is freely granted,
/// provided that this notice is preserved). The coefficients are given as their bit patterns, exactly.
/// </remarks>
internal static class PortableMath
{
    private static double Bits(ulong bits) => BitConverter.UInt64BitsToDouble(bits);

    /// <summary>2^-28: below it, e^x is 1 + x and erf x is x + x·2/√π−x, to double precision.</summary>
    private const double Tiny = 3.7252902984619140625E-9;

    // exp: x = k·ln2 + r with |r| <= ln2/2, exp(r) from a rational function of r, then scaled by 2^k.
    private static readonly double Ln2Hi = Bits(0x3FE62E42FEE00000), Ln2Lo = Bits(0x3DEA39EF35793C76), InvLn2 = Bits(0x3FF71547652B82FE);
    private static readonly double ExpOverflow = Bits(0x40862E42FEFA39EF), ExpUnderflow = Bits(0xC0874910D52D3051);
    private static readonly double P1 = Bits(0x3FC555555555553E), P2 = Bits(0xBF66C16C16BEBD93), P3 = Bits(0x3F11566AAF25DE2C),
        P4 = Bits(0xBEBBBD41C5D26BF1), P5 = Bits(0x3E66376972BEA4D0);

    /// <summary>e^x.</summary>
    public static double Exp(double x)
    {
        if (double.IsNaN(x))
            return x;
        if (x > ExpOverflow)
            return double.PositiveInfinity;
        if (x < ExpUnderflow)
            return 0;
        if (Math.Abs(x) < Tiny)
            return 1 + x;
        // k·Ln2Hi is exact (Ln2Hi's last 32 bits are zero and |k| < 2^11), so hi is too.
        double k = Math.Round(x * InvLn2);
        double hi = x - k * Ln2Hi, lo = k * Ln2Lo;
        double r = hi - lo;
        double t = r * r;
        double c = r - t * (P1 + t * (P2 + t * (P3 + t * (P4 + t * P5))));
        double y = 1 - ((lo - r * c / (2 - c)) - hi);
        return Math.ScaleB(y, (int)k);
    }

    // tanh near 0: its Taylor series x + c3·x^3 + ... + c27·x^27, c(2n-1) = 2^2n (2^2n - 1) B_2n / (2n)!,
    // which for |x| < 0.35 is exact to double precision; beyond, (1 - e^-2|x|) / (1 + e^-2|x|), where
    // e^-2|x| < 0.5 leaves no cancellation to speak of.
    private const double TanhSeriesLimit = 0.35;
    private static readonly double[] TanhSeries =
    [
        -1.0 / 3, Bits(0x3FC1111111111111), Bits(0xBFABA1BA1BA1BA1C), Bits(0x3F9664F4882C10FA),                 // -1/3, 2/15, -17/315, 62/2835
        Bits(0xBF8226E355E6C23D), Bits(0x3F6D6D3D0E157DE0), Bits(0xBF57DA36452B75E3),                           // -1382/155925, 21844/6081075, -929569/638512875
        Bits(0x3F43558248036744), Bits(0xBF2F57D7734D1664), Bits(0x3F1967E18AFCAFAD),                           // 6404582/10854718875, -443861162/1856156927625, 18888466084/194896477400625
        Bits(0xBF0497D8EEA25259), Bits(0x3EF0B132D39A6050), Bits(0xBEDB0F72D3EE24E9),                           // -113927491862/2900518163668125, 58870668456604/3698160658676859375, -8374643517010684/1298054391195577640625
    ];

    /// <summary>tanh(x).</summary>
    public static double Tanh(double x)
    {
        double a = Math.Abs(x);
        if (a < TanhSeriesLimit)
        {
            double s = x * x, sum = TanhSeries[^1];
            for (int i = TanhSeries.Length - 2; i >= 0; i--)
                sum = TanhSeries[i] + s * sum;
            return x + x * (s * sum);
        }
        double e = Exp(-2 * a);
        return Math.CopySign((1 - e) / (1 + e), x);
    }

    // erf: fdlibm's rational approximations on [0, 0.84375), [0.84375, 1.25), [1.25, 1/0.35), [1/0.35, 6).
    private static readonly double Erx = Bits(0x3FEB0AC160000000), Efx = Bits(0x3FC06EBA8214DB69);
    private static readonly double[] Pp = [Bits(0x3FC06EBA8214DB68), Bits(0xBFD4CD7D691CB913), Bits(0xBF9D2A51DBD7194F), Bits(0xBF77A291236668E4), Bits(0xBEF8EAD6120016AC)];
    private static readonly double[] Qq = [1, Bits(0x3FD97779CDDADC09), Bits(0x3FB0A54C5536CEBA), Bits(0x3F74D022C4D36B0F), Bits(0x3F215DC9221C1A10), Bits(0xBED09C4342A26120)];
    private static readonly double[] Pa = [Bits(0xBF6359B8BEF77538), Bits(0x3FDA8D00AD92B34D), Bits(0xBFD7D240FBB8C3F1), Bits(0x3FD45FCA805120E4), Bits(0xBFBC63983D3E28EC), Bits(0x3FA22A36599795EB), Bits(0xBF61BF380A96073F)];
    private static readonly double[] Qa = [1, Bits(0x3FBB3E6618EEE323), Bits(0x3FE14AF092EB6F33), Bits(0x3FB2635CD99FE9A7), Bits(0x3FC02660E763351F), Bits(0x3F8BEDC26B51DD1C), Bits(0x3F888B545735151D)];
    private static readonly double[] Ra = [Bits(0xBF843412600D6435), Bits(0xBFE63416E4BA7360), Bits(0xC0251E0441B0E726), Bits(0xC04F300AE4CBA38D), Bits(0xC0644CB184282266), Bits(0xC067135CEBCCABB2), Bits(0xC054526557E4D2F2), Bits(0xC023A0EFC69AC25C)];
    private static readonly double[] Sa = [1, Bits(0x4033A6B9BD707687), Bits(0x4061350C526AE721), Bits(0x407B290DD58A1A71), Bits(0x40842B1921EC2868), Bits(0x407AD02157700314), Bits(0x405B28A3EE48AE2C), Bits(0x401A47EF8E484A93), Bits(0xBFAEEFF2EE749A62)];
    private static readonly double[] Rb = [Bits(0xBF84341239E86F4A), Bits(0xBFE993BA70C285DE), Bits(0xC031C209555F995A), Bits(0xC064145D43C5ED98), Bits(0xC083EC881375F228), Bits(0xC09004616A2E5992), Bits(0xC07E384E9BDC383F)];
    private static readonly double[] Sb = [1, Bits(0x403E568B261D5190), Bits(0x40745CAE221B9F0A), Bits(0x409802EB189D5118), Bits(0x40A8FFB7688C246A), Bits(0x40A3F219CEDF3BE6), Bits(0x407DA874E79FE763), Bits(0xC03670E242712D62)];

    /// <summary>The polynomial with these coefficients (constant term first) at x, by Horner's rule.</summary>
    private static double Polynomial(double[] coefficients, double x)
    {
        double sum = coefficients[^1];
        for (int i = coefficients.Length - 2; i >= 0; i--)
            sum = coefficients[i] + x * sum;
        return sum;
    }

    /// <summary>The error function, erf(x) = 2/√π ∫₀ˣ e^(−t²) dt.</summary>
    public static double Erf(double x)
    {
        if (double.IsNaN(x))
            return x;
        double a = Math.Abs(x);
        if (a < 0.84375)
        {
            if (a < Tiny)
                return x + Efx * x;
            double z = x * x;
            return x + x * (Polynomial(Pp, z) / Polynomial(Qq, z));
        }
        if (a < 1.25)
        {
            double s = a - 1;
            return Math.CopySign(Erx + Polynomial(Pa, s) / Polynomial(Qa, s), x);
        }
        if (a >= 6)
            return Math.CopySign(1, x);
        double u = 1 / (a * a);
        double ratio = a < 1 / 0.35 ? Polynomial(Ra, u) / Polynomial(Sa, u) : Polynomial(Rb, u) / Polynomial(Sb, u);
        // a with its low 32 bits cleared: a·a is then exact, and (h - a)(h + a) carries the rest.
        double h = BitConverter.Int64BitsToDouble(BitConverter.DoubleToInt64Bits(a) & unchecked((long)0xFFFFFFFF00000000));
        double r = Exp(-h * h - 0.5625) * Exp((h - a) * (h + a) + ratio);
        return Math.CopySign(1 - r / a, x);
    }

    private const double Sqrt1Over2 = 0.70710678118654752440; // M_SQRT1_2
    private const double GeluPdfScale = 1.12837916709551257390 * Sqrt1Over2 * 0.5; // M_2_SQRTPI · M_SQRT1_2 · 0.5 = 1/√(2π)

    /// <summary>GELU (exact, with erf): x·Φ(x), written as PyTorch writes it, x · 0.5 · (1 + erf(x/√2)).</summary>
    public static double Gelu(double x) => x * 0.5 * (1 + Erf(x * Sqrt1Over2));

    /// <summary>d GELU / dx = Φ(x) + x·φ(x), written as PyTorch's backward writes it.</summary>
    public static double GeluDerivative(double x)
    {
        double cdf = 0.5 * (1 + Erf(x * Sqrt1Over2));
        double pdf = GeluPdfScale * Exp(x * x * -0.5);
        return cdf + x * pdf;
    }
}
