using System.Globalization;
using System.Text;
using csFastFloat;
using Sylvan.Data.Csv;

namespace AddMlp.Gpu;

/// <summary>
/// Rows of numbers from delimited text, parsed by Sylvan.Data.Csv: comma-separated (RFC 4180 quoting),
/// tab-separated, or separated by runs of whitespace (the separator is chosen from the first row). A first
/// row with no number in it is a header: with the columns' names (a, b, y in any order) it says which is
/// which, else the columns are taken in order. Lines starting with '#' and blank lines are passed over;
/// CRLF and LF end lines alike; a byte-order mark is read as the encoding it marks (UTF-8 by default).
/// </summary>
internal sealed class DelimitedRows : NumberRows
{
    /// <summary>The longest line read: rows of two or three numbers are far shorter, and a file without line ends (/dev/zero) is not read whole.</summary>
    public const int MaxLineChars = 1 << 20;

    /// <summary>How much is read ahead to choose the separator.</summary>
    private const int PeekChars = 1 << 16;

    private readonly CsvDataReader _csv;
    private readonly string[] _columns;
    private int[] _order; // _order[field] = the column (0: a, 1: b, 2: y) it holds
    private int[] _fieldOf; // its inverse: _fieldOf[column] = the field that holds it
    private bool _started;
    private long _rows;
    private int _comments;
    private long _line;

    public DelimitedRows(Stream stream, string name, RowShape shape)
        : base(name, shape)
    {
        _columns = shape.Columns();
        _order = [.. Enumerable.Range(0, _columns.Length)];
        _fieldOf = [.. _order];
        var text = new StreamReader(stream, new UTF8Encoding(false), detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16);
        try
        {
            var peeked = new char[PeekChars];
            int count = Peek(text, peeked);
            char separator = Separator(peeked.AsSpan(0, count));
            TextReader source = new PeekedReader(peeked, count, text);
            if (separator == ' ')
                (source, separator) = (new WhitespaceSeparated(source), '\t');
            var options = new CsvDataReaderOptions
            {
                HasHeaders = false,
                Delimiter = separator,
                CommentHandler = (Action<string>)(_ => _comments++),
                BufferSize = PeekChars,
                MaxBufferSize = MaxLineChars,
            };
            _csv = Guarded(() => CsvDataReader.Create(source, options)); // reads the first row
        }
        catch
        {
            text.Dispose();
            throw;
        }
    }

    /// <summary>Reads ahead until the first line that is neither blank nor a comment is whole (or the buffer is full, or the text ends).</summary>
    private int Peek(TextReader text, char[] buffer)
    {
        int count = 0;
        while (count < buffer.Length)
        {
            int read = ReadText(text, buffer.AsSpan(count));
            if (read == 0)
                break;
            count += read;
            if (FirstRow(buffer.AsSpan(0, count), out bool whole) >= 0 && whole)
                break;
        }
        ReadOnlySpan<char> head = buffer.AsSpan(0, count);
        if (head.StartsWith("PAR1", StringComparison.Ordinal))
            throw new DataFileException(Name, null, "is Parquet, which is read from a file (its index is at its end): give the file's path");
        int nul = head.IndexOf('\0');
        if (nul >= 0)
            throw new DataFileException(Name, $"line {1 + head[..nul].Count('\n')}", "holds binary data (a NUL byte), not text: give a CSV, TSV or Parquet file");
        return count;
    }

    private int ReadText(TextReader text, Span<char> buffer)
    {
        try
        {
            return text.Read(buffer);
        }
        catch (IOException e)
        {
            throw new DataFileException(Name, null, $"cannot be read ({e.Message.TrimEnd('.')})");
        }
    }

    /// <summary>Where the first line that is neither blank nor a comment starts (-1: none yet), and whether it ends in <paramref name="text"/>.</summary>
    private static int FirstRow(ReadOnlySpan<char> text, out bool whole)
    {
        int start = 0;
        while (start < text.Length)
        {
            int end = text[start..].IndexOfAny('\n', '\r');
            ReadOnlySpan<char> line = end < 0 ? text[start..] : text.Slice(start, end);
            if (!line.IsWhiteSpace() && line.TrimStart()[0] != '#')
            {
                whole = end >= 0;
                return start;
            }
            if (end < 0)
                break;
            start += end + 1;
        }
        whole = false;
        return -1;
    }

    /// <summary>Comma when the first row has one, else tab when it has one, else whitespace (' ').</summary>
    private static char Separator(ReadOnlySpan<char> text)
    {
        int start = FirstRow(text, out _);
        if (start < 0)
            return ',';
        ReadOnlySpan<char> row = text[start..];
        int end = row.IndexOfAny('\n', '\r');
        row = end < 0 ? row : row[..end];
        return row.Contains(',') ? ',' : row.Contains('\t') ? '\t' : ' ';
    }

    protected override int ReadRows(Span<double> destination, ValueTexts? texts)
    {
        int width = _columns.Length, rows = 0;
        while (rows * width < destination.Length && NextRow())
        {
            Span<double> row = destination.Slice(rows * width, width);
            for (int field = 0; field < width; field++)
            {
                ReadOnlySpan<char> text = _csv.GetFieldSpan(field);
                row[_order[field]] = Checked(Parse(text, field), text, Column(field), Where);
            }
            if (texts is not null)
            {
                for (int column = 0; column < width; column++)
                    texts.Add(_csv.GetFieldSpan(_fieldOf[column]).Trim());
            }
            rows++;
            _rows++;
        }
        return rows;
    }

    /// <summary>Moves to the next row of numbers, past blank lines (and, first, a header); false at the end.</summary>
    private bool NextRow()
    {
        while (true)
        {
            if (!Advance())
            {
                if (_rows == 0 && !_started)
                    throw new DataFileException(Name, null, "is empty: it has no rows");
                if (_rows == 0)
                    throw new DataFileException(Name, null, "has a header but no rows");
                return false;
            }
            int fields = _csv.RowFieldCount;
            if (fields == 1 && _csv.GetFieldSpan(0).IsWhiteSpace())
                continue; // a blank line
            if (fields != _columns.Length)
                throw new DataFileException(Name, Where(), $"has {fields} {(fields == 1 ? "column" : "columns")}, expected {_columns.Length} ({string.Join(", ", _columns)})");
            if (!_started)
            {
                _started = true;
                if (IsHeader())
                    continue;
            }
            return true;
        }
    }

    private bool Advance()
    {
        bool more = Guarded(_csv.Read);
        _line = _csv.RowNumber + _comments;
        return more;
    }

    /// <summary>A step of the CSV reader, its failures worded as the file's.</summary>
    private T Guarded<T>(Func<T> read)
    {
        try
        {
            return read();
        }
        catch (CsvRecordTooLargeException)
        {
            throw new DataFileException(Name, $"line {_line + 1}", $"is longer than {MaxLineChars.ToString("N0", CultureInfo.InvariantCulture)} characters: not a row of numbers");
        }
        catch (IOException e)
        {
            throw new DataFileException(Name, $"after line {_line}", $"cannot be read ({e.Message.TrimEnd('.')})");
        }
    }

    /// <summary>
    /// Whether the first row is a header: none of its fields a number. Names that are the columns' own
    /// (any order, any case) say which column is which.
    /// </summary>
    private bool IsHeader()
    {
        string[] names = [.. Enumerable.Range(0, _columns.Length).Select(i => _csv.GetFieldSpan(i).Trim().ToString())];
        if (names.Any(n => TryParse(n, out _)))
            return false;
        int[] byName = [.. names.Select(n => Array.FindIndex(_columns, c => c.Equals(n, StringComparison.OrdinalIgnoreCase)))];
        if (byName.Distinct().Count() == _columns.Length && !byName.Contains(-1))
        {
            _order = byName;
            _fieldOf = [.. Enumerable.Range(0, byName.Length).Select(column => Array.IndexOf(byName, column))];
        }
        return true;
    }

    /// <summary>
    /// The number a field holds, in the invariant culture's syntax (1.5, -2, 3e-4; nan and inf too, which
    /// <see cref="NumberRows.Checked"/> refuses with their own message), parsed by csFastFloat: correctly
    /// rounded, as double.Parse is, in a fraction of its time, which matters here as it runs for every value.
    /// </summary>
    private double Parse(ReadOnlySpan<char> text, int field)
    {
        ReadOnlySpan<char> number = text.Trim();
        if (TryParse(number, out double value))
            return value;
        string problem = number.IsEmpty ? $"{Column(field)} is empty"
            : number.IndexOfAny('\0', '\uFFFD') >= 0 ? "holds binary data, not text: give a CSV, TSV or Parquet file"
            : number.Contains('\uFEFF') ? "holds a byte-order mark (U+FEFF), which belongs only at a file's start: were files joined together? Remove it"
            : $"{Column(field)} is {Quote(number)}, not a number";
        throw new DataFileException(Name, Where(), problem);
    }

    private static bool TryParse(ReadOnlySpan<char> number, out double value) =>
        FastDoubleParser.TryParseDouble(number, out int used, out value) && used == number.Length && number.Length > 0;

    private string Column(int field) => $"column {_columns[_order[field]]}";

    private string Where() => $"line {_line}";

    public override void Dispose() => _csv.Dispose();
}
