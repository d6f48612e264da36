namespace AddMlp.Gpu;

/// <summary>
/// A text reader that gives back the characters already taken from <paramref name="rest"/> (to choose the
/// separator and spot binary data) before the rest of it: a stream that can be read only once (a pipe)
/// still reads whole.
/// </summary>
internal sealed class PeekedReader(char[] peeked, int count, TextReader rest) : TextReader
{
    private int _next;

    public override int Peek() => _next < count ? peeked[_next] : rest.Peek();

    public override int Read() => _next < count ? peeked[_next++] : rest.Read();

    public override int Read(char[] buffer, int index, int length) => Read(buffer.AsSpan(index, length));

    public override int Read(Span<char> buffer)
    {
        if (_next >= count)
            return rest.Read(buffer);
        int n = Math.Min(buffer.Length, count - _next);
        peeked.AsSpan(_next, n).CopyTo(buffer);
        _next += n;
        return n;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
            rest.Dispose();
        base.Dispose(disposing);
    }
}
