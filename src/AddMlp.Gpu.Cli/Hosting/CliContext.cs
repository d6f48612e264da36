namespace AddMlp.Gpu.Cli;

/// <summary>Where a command writes (results to Out, everything else to Err) and the user's interrupt.</summary>
/// <param name="Status">
/// Where Err is a terminal: its bottom line, for a live progress bar; messages go through it so that
/// they never land on the bar. Null where Err is a file or a pipe (then training prints the tutorial's lines).
/// </param>
public sealed record CliContext(TextWriter Out, TextWriter Err, CancellationToken Interrupt, StatusLine? Status = null)
{
    /// <summary>Opens standard input, for a command that reads data from it (`--input -`).</summary>
    public Func<Stream> OpenInput { get; init; } = Console.OpenStandardInput;

    /// <summary>One message line on Err, "addmlp: ..." (made printable: see <see cref="Failures.Printable"/>).</summary>
    public void Report(string message) => WriteErrLine($"addmlp: {Failures.Printable(message)}");

    /// <summary>A line on Err, above the progress bar if one shows.</summary>
    public void WriteErrLine(string line) => WriteErrLine(Err, Status, line);

    /// <summary>A line on <paramref name="err"/>, above the progress bar on <paramref name="status"/> if one shows (for whoever writes before a context exists).</summary>
    public static void WriteErrLine(TextWriter err, StatusLine? status, string line)
    {
        if (status is not null)
            status.WriteLine(line);
        else
            err.WriteLine(line);
    }
}
