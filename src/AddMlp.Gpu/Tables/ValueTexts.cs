namespace AddMlp.Gpu;

/// <summary>
/// The text each value of a batch was read from, in the batch's order (a, b[, y] of each row): a writer
/// copies it rather than formatting the number again, which costs more than parsing it did. Filled by
/// readers of text; left empty by those of binary files.
/// </summary>
public sealed class ValueTexts
{
    private char[] _chars = new char[1 << 16];
    private int[] _ends = new int[1 << 12];

    /// <summary>Values held: 0 when the batch came from a binary file.</summary>
    public int Count { get; private set; }

    /// <summary>Characters held, all values together.</summary>
    public int Length => Count == 0 ? 0 : _ends[Count - 1];

    /// <summary>The text of value <paramref name="index"/>.</summary>
    public ReadOnlySpan<char> this[int index] => _chars.AsSpan(index == 0 ? 0 : _ends[index - 1], _ends[index] - (index == 0 ? 0 : _ends[index - 1]));

    internal void Clear() => Count = 0;

    internal void Add(ReadOnlySpan<char> text)
    {
        int start = Count == 0 ? 0 : _ends[Count - 1];
        if (start + text.Length > _chars.Length)
            Array.Resize(ref _chars, Math.Max(2 * _chars.Length, start + text.Length));
        if (Count == _ends.Length)
            Array.Resize(ref _ends, 2 * _ends.Length);
        text.CopyTo(_chars.AsSpan(start));
        _ends[Count++] = start + text.Length;
    }
}
