using System.Globalization;

namespace AddMlp.Gpu;

/// <summary>
/// Rows of numbers read from a data file a batch at a time, so that memory stays the same whatever the
/// file's size: delimited text (<see cref="DelimitedRows"/>: CSV, TSV or whitespace-separated) or Parquet
/// (<see cref="ParquetRows"/>). Every value is checked: a finite number within float32's range, as a
/// model takes it. Anything else ends the reading with a <see cref="DataFileException"/> naming where.
/// </summary>
public abstract class NumberRows : IDisposable
{
    /// <summary>Parquet files begin (and end) with these bytes.</summary>
    private static ReadOnlySpan<byte> ParquetMagic => "PAR1"u8;

    protected NumberRows(string name, RowShape shape)
    {
        Name = name;
        Shape = shape;
    }

    /// <summary>The file as the user named it ("-": standard input).</summary>
    public string Name { get; }

    public RowShape Shape { get; }

    /// <summary>Rows read so far.</summary>
    public long Rows { get; private set; }

    /// <summary>
    /// Fills <paramref name="destination"/> with up to <c>destination.Length / width</c> rows, each row's
    /// values in <see cref="RowShapes.Columns"/> order (a, b[, y]); returns how many, 0 at the end. With
    /// <paramref name="texts"/>, a text file's values' text goes there too, in the same order.
    /// </summary>
    public int Read(Span<double> destination, ValueTexts? texts = null)
    {
        int width = Shape.Width();
        if (destination.Length < width)
            throw new ArgumentException($"room for at least one row of {width} is needed", nameof(destination));
        texts?.Clear();
        int rows = ReadRows(destination[..(destination.Length / width * width)], texts);
        Rows += rows;
        return rows;
    }

    /// <summary>Reads whole rows into <paramref name="destination"/> (a multiple of the width), and their text where it has some; 0 at the end, where an empty table throws.</summary>
    protected abstract int ReadRows(Span<double> destination, ValueTexts? texts);

    public abstract void Dispose();

    /// <summary>
    /// Opens a data file, Parquet when it starts as Parquet files do, else delimited text. Throws
    /// <see cref="DataFileException"/> when there is no regular file to read (a FIFO or a device too: they
    /// are streams, to be read as <see cref="OpenStream"/> reads one, and /dev/zero never ends).
    /// </summary>
    public static NumberRows OpenFile(string path, RowShape shape)
    {
        Stream stream = OpenRegular(path);
        try
        {
            return IsParquet(stream) ? new ParquetRows(stream, path, shape) : new DelimitedRows(stream, path, shape);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>Whether a seekable stream starts as Parquet files do; it is left at its start.</summary>
    internal static bool IsParquet(Stream stream)
    {
        Span<byte> start = stackalloc byte[4];
        int read = stream.ReadAtLeast(start, start.Length, throwOnEndOfStream: false);
        stream.Position = 0;
        return read == start.Length && start.SequenceEqual(ParquetMagic);
    }

    /// <summary>Reads Parquet from a seekable stream.</summary>
    internal static NumberRows OpenParquet(Stream stream, string name, RowShape shape) => new ParquetRows(stream, name, shape);

    /// <summary>Reads delimited text from a stream that can only be read once (standard input, a pipe).</summary>
    public static NumberRows OpenStream(Stream stream, string name, RowShape shape) => new DelimitedRows(stream, name, shape);

    /// <summary>Rows given as numbers (a, b[, y] for each row), already checked; <paramref name="name"/> names them in messages.</summary>
    public static NumberRows FromValues(double[] values, RowShape shape, string name) =>
        values.Length % shape.Width() == 0 ? new ValueRows(values, shape, name) : throw new ArgumentException($"not whole rows of {shape.Width()}", nameof(values));

    /// <summary>A regular file opened for reading, or a <see cref="DataFileException"/> saying why not.</summary>
    internal static FileStream OpenRegular(string path)
    {
        if (string.IsNullOrEmpty(path))
            throw new DataFileException(path, null, "is no file name");
        if (Directory.Exists(path))
            throw new DataFileException(path, null, "is a directory; give a data file");
        if (!File.Exists(path))
            throw new DataFileException(path, null, "does not exist");
        if (FileFacts.Stat(path) is { Kind: not FileKind.Regular } status)
            throw new DataFileException(path, null, $"is {FileFacts.Describe(status.Kind)}, not a regular file; pipe a stream in on standard input instead");
        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new DataFileException(path, null, $"cannot be read ({e.Message.TrimEnd('.')})");
        }
    }

    /// <summary>The most characters a value is quoted with in a message.</summary>
    private const int MaxQuoted = 40;

    /// <summary>
    /// A value as the model takes it: finite and within float32's range. <paramref name="column"/> names
    /// where it came from in a message; <paramref name="location"/> where in the file.
    /// </summary>
    protected double Checked(double value, ReadOnlySpan<char> text, string column, Func<string> location)
    {
        if (double.IsFinite(value) && Math.Abs(value) <= float.MaxValue)
            return value;
        string shown = Quote(text.IsEmpty ? value.ToString(CultureInfo.InvariantCulture) : text.Trim());
        throw new DataFileException(Name, location(), double.IsFinite(value)
            ? $"{column} is {shown}, beyond float32's range (about ±3.4e38)"
            : $"{column} is {shown}, not a finite number");
    }

    /// <summary>A value from the file as a message shows it: quoted, and shortened when long.</summary>
    protected static string Quote(ReadOnlySpan<char> text) =>
        text.Length <= MaxQuoted ? $"'{text}'" : $"'{text[..(MaxQuoted - 3)]}...'";
}
