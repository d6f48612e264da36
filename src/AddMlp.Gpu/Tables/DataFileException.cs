namespace AddMlp.Gpu;

/// <summary>
/// A data file (CSV, TSV, whitespace-separated text or Parquet) that addmlp cannot take as rows of numbers.
/// The message names the file, where in it (a line, or a Parquet row group) and what was wrong.
/// </summary>
/// <param name="file">The file as the user named it ("-" for standard input).</param>
/// <param name="location">"line 12", "row group 3"; null for the file as a whole (empty, not a table).</param>
/// <param name="problem">What was wrong: a phrase that follows the location ("column a is 'x', not a number"), or the file's name ("is empty").</param>
public sealed class DataFileException(string file, string? location, string problem)
    : Exception(location is null ? $"{Named(file)} {problem}" : $"{Named(file)} {location}: {problem}")
{
    public string File { get; } = file;
    public string? Location { get; } = location;
    public string Problem { get; } = problem;

    private static string Named(string file) => file == "-" ? "standard input" : $"'{file}'";
}
