namespace AddMlp.Gpu;

/// <summary>Rows already in memory (numbers given on a command line), read as a file's are.</summary>
internal sealed class ValueRows(double[] values, RowShape shape, string name) : NumberRows(name, shape)
{
    private int _next;

    protected override int ReadRows(Span<double> destination, ValueTexts? texts)
    {
        int count = Math.Min(destination.Length, values.Length - _next);
        values.AsSpan(_next, count).CopyTo(destination);
        _next += count;
        return count / Shape.Width();
    }

    public override void Dispose()
    {
    }
}
