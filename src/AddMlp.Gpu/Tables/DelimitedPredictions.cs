using System.Globalization;

namespace AddMlp.Gpu;

/// <summary>
/// Predictions as text: CSV rows a,b,sum under that header, or (<paramref name="withInputs"/> false) one
/// sum per line, as `predict A B` prints them. a and b as they were read when their text is at hand, else
/// in <see cref="FloatText"/>'s shortest form, as the sum is; numbers need no quoting. Written straight
/// into a buffer, as this runs once per pair.
/// </summary>
public sealed class DelimitedPredictions(TextWriter writer, bool withInputs) : PredictionWriter
{
    /// <summary>Longest shortest-form double ("-2.2250738585072014E-308") and a separator, with room to spare.</summary>
    private const int MaxNumberChars = 32;

    private char[] _buffer = [];
    private bool _headerWritten;

    public override void Write(ReadOnlySpan<double> pairs, ReadOnlySpan<double> sums, ValueTexts? texts = null)
    {
        bool echo = texts is not null && texts.Count == pairs.Length;
        int needed = sums.Length * 3 * MaxNumberChars + 16;
        if (echo)
            needed += texts!.Length;
        if (_buffer.Length < needed)
            _buffer = new char[needed];
        Span<char> text = _buffer;
        int at = 0;
        if (withInputs && !_headerWritten)
        {
            "a,b,sum\n".CopyTo(text);
            at = 8;
            _headerWritten = true;
        }
        for (int i = 0; i < sums.Length; i++)
        {
            if (withInputs)
            {
                at += echo ? Copy(texts![2 * i], text[at..]) : Format(pairs[2 * i], text[at..]);
                text[at++] = ',';
                at += echo ? Copy(texts![2 * i + 1], text[at..]) : Format(pairs[2 * i + 1], text[at..]);
                text[at++] = ',';
            }
            at += Format(sums[i], text[at..]);
            text[at++] = '\n';
        }
        writer.Write(_buffer, 0, at);
    }

    private static int Copy(ReadOnlySpan<char> value, Span<char> destination)
    {
        value.CopyTo(destination);
        return value.Length;
    }

    /// <summary><see cref="FloatText.Shortest"/>, into <paramref name="destination"/>.</summary>
    private static int Format(double value, Span<char> destination)
    {
        float single = (float)value;
        int written;
        bool done = single == value || !double.IsFinite(value)
            ? single.TryFormat(destination, out written, default, CultureInfo.InvariantCulture)
            : value.TryFormat(destination, out written, default, CultureInfo.InvariantCulture);
        return done ? written : throw new InvalidOperationException("a number did not fit its buffer");
    }

    public override void Complete()
    {
        if (withInputs && !_headerWritten)
            Write([], []);
        writer.Flush();
    }

    public override void Dispose() => writer.Dispose();
}
