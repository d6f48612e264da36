using System.CommandLine;

namespace AddMlp.Gpu.Cli;

/// <summary>`--input FILE|-`: rows of numbers from a data file (CSV, TSV, whitespace-separated, Parquet) or standard input.</summary>
public static class DataInput
{
    /// <summary>What stands for standard input.</summary>
    public const string StandardInput = "-";

    public static Option<string?> Option(string description) => new("--input")
    {
        Description = description + " (CSV, TSV or whitespace-separated text with an optional header and '#' comments, or Parquet; - reads standard input)",
        HelpName = "FILE",
    };

    /// <summary>The rows <paramref name="path"/> names, from the context's standard input for "-".</summary>
    public static NumberRows Open(string path, RowShape shape, CliContext context) =>
        path == StandardInput ? NumberRows.OpenStream(context.OpenInput(), StandardInput, shape) : NumberRows.OpenFile(path, shape);
}
