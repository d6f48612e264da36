using System.Numerics;
using Parquet;
using Parquet.Schema;

namespace AddMlp.Gpu;

/// <summary>
/// Rows of numbers from a Parquet file, read by Parquet.Net one row group at a time (memory: the largest
/// row group's columns). The columns are those named a, b (and y) in any case, else the first numeric ones
/// in the schema's order; any integer or floating-point type is read as a double.
/// </summary>
internal sealed class ParquetRows : NumberRows
{
    private readonly ParquetReader _reader;
    private readonly DataField[] _fields;
    private readonly string[] _columns;
    private double[][] _group = [];
    private int _groupIndex = -1;
    private int _next;

    public ParquetRows(Stream stream, string name, RowShape shape)
        : base(name, shape)
    {
        _columns = shape.Columns();
        try
        {
            _reader = ParquetReader.CreateAsync(stream).GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            stream.Dispose();
            throw new DataFileException(name, null, $"is not a Parquet file addmlp can read ({e.Message.TrimEnd('.')})");
        }
        DataField[] numeric = [.. _reader.Schema.GetDataFields().Where(f => !f.IsArray && Readers.ContainsKey(f.ClrType))];
        DataField?[] named = [.. _columns.Select(c => numeric.FirstOrDefault(f => f.Name.Equals(c, StringComparison.OrdinalIgnoreCase)))];
        _fields = named.All(f => f is not null) ? [.. named.OfType<DataField>()] : numeric.Take(_columns.Length).ToArray();
        if (_fields.Length < _columns.Length)
        {
            string found = numeric.Length == 0 ? "no numeric columns" : $"{numeric.Length} numeric {(numeric.Length == 1 ? "column" : "columns")} ({string.Join(", ", numeric.Select(f => f.Name))})";
            Close();
            throw new DataFileException(name, null, $"has {found}; addmlp needs {_columns.Length}: {string.Join(", ", _columns)}");
        }
        if (_reader.RowGroupCount == 0 || Enumerable.Range(0, _reader.RowGroupCount).All(i => _reader.OpenRowGroupReader(i).RowCount == 0))
        {
            Close();
            throw new DataFileException(name, null, "is empty: it has no rows");
        }
    }

    protected override int ReadRows(Span<double> destination, ValueTexts? texts)
    {
        int width = _columns.Length, rows = 0;
        while (rows * width < destination.Length)
        {
            if (_next == (_group.Length == 0 ? 0 : _group[0].Length))
            {
                if (_groupIndex + 1 >= _reader.RowGroupCount)
                    break;
                LoadGroup(++_groupIndex);
                continue;
            }
            for (int column = 0; column < width; column++)
                destination[rows * width + column] = _group[column][_next];
            _next++;
            rows++;
        }
        return rows;
    }

    private void LoadGroup(int index)
    {
        ParquetRowGroupReader group = _reader.OpenRowGroupReader(index);
        if (group.RowCount > Array.MaxLength)
            throw new DataFileException(Name, $"row group {index + 1}", $"has {group.RowCount} rows, more than addmlp reads in one row group");
        int rows = (int)group.RowCount;
        _group = new double[_columns.Length][];
        for (int column = 0; column < _columns.Length; column++)
        {
            DataField field = _fields[column];
            double?[] values;
            try
            {
                values = Readers[field.ClrType](group, field, rows);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                throw new DataFileException(Name, $"row group {index + 1}", $"column '{field.Name}' cannot be read ({e.Message.TrimEnd('.')})");
            }
            var numbers = new double[rows];
            for (int row = 0; row < rows; row++)
            {
                string Where() => $"row group {index + 1}, row {row + 1}";
                numbers[row] = values[row] is double v
                    ? Checked(v, default, $"column '{field.Name}'", Where)
                    : throw new DataFileException(Name, Where(), $"column '{field.Name}' is empty (null)");
            }
            _group[column] = numbers;
        }
        _next = 0;
    }

    /// <summary>How each numeric type Parquet.Net reads a column as is read as doubles (null where the file has none).</summary>
    private static readonly Dictionary<Type, Func<ParquetRowGroupReader, DataField, int, double?[]>> Readers = new()
    {
        [typeof(double)] = Read<double>,
        [typeof(float)] = Read<float>,
        [typeof(Half)] = Read<Half>,
        [typeof(decimal)] = Read<decimal>,
        [typeof(long)] = Read<long>,
        [typeof(int)] = Read<int>,
        [typeof(short)] = Read<short>,
        [typeof(sbyte)] = Read<sbyte>,
        [typeof(ulong)] = Read<ulong>,
        [typeof(uint)] = Read<uint>,
        [typeof(ushort)] = Read<ushort>,
        [typeof(byte)] = Read<byte>,
    };

    private static double?[] Read<T>(ParquetRowGroupReader group, DataField field, int rows)
        where T : struct, INumberBase<T>
    {
        var values = new T?[rows];
        group.ReadAsync<T>(field, values.AsMemory()).AsTask().GetAwaiter().GetResult();
        return [.. values.Select(v => v is T x ? double.CreateTruncating(x) : (double?)null)];
    }

    public override void Dispose() => Close();

    private void Close() => _reader.DisposeAsync().AsTask().GetAwaiter().GetResult();
}
