namespace AddMlp.Gpu;

/// <summary>
/// Whitespace-separated text as tab-separated text, for a CSV reader that takes one separator character:
/// each run of spaces and tabs inside a line becomes one tab, and those at a line's start or end go. Lines
/// stay lines, so line numbers stay right.
/// </summary>
internal sealed class WhitespaceSeparated(TextReader inner) : TextReader
{
    private char[] _scratch = [];
    private bool _atLineStart = true;
    private bool _pendingSeparator;
    private int _carried = -1; // a character read that had no room after the separator before it

    public override int Read(char[] buffer, int index, int count) => Read(buffer.AsSpan(index, count));

    public override int Read()
    {
        Span<char> one = stackalloc char[1];
        return Read(one) == 1 ? one[0] : -1;
    }

    public override int Read(Span<char> buffer)
    {
        if (buffer.IsEmpty)
            return 0;
        if (_carried >= 0)
        {
            buffer[0] = (char)_carried;
            _carried = -1;
            return 1;
        }
        if (_scratch.Length < buffer.Length)
            _scratch = new char[buffer.Length];
        while (true)
        {
            // One pending separator may be written ahead of the next character: read one less than there is room for.
            int read = inner.Read(_scratch, 0, Math.Max(1, buffer.Length - 1));
            if (read == 0)
                return 0;
            int written = 0;
            foreach (char c in _scratch.AsSpan(0, read))
            {
                if (c is ' ' or '\t')
                {
                    _pendingSeparator = !_atLineStart;
                    continue;
                }
                if (c is '\n' or '\r')
                {
                    _atLineStart = true;
                    _pendingSeparator = false;
                }
                else
                {
                    if (_pendingSeparator)
                        buffer[written++] = '\t';
                    _atLineStart = false;
                    _pendingSeparator = false;
                }
                if (written == buffer.Length)
                    _carried = c; // only when the buffer holds one character: a separator and this
                else
                    buffer[written++] = c;
            }
            if (written > 0)
                return written; // else only whitespace was read: read on, as 0 would mean the end
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
            inner.Dispose();
        base.Dispose(disposing);
    }
}
