namespace AddMlp.Gpu.Cli;

/// <summary>Where a command writes (results to Out, everything else to Err) and the user's interrupt.</summary>
/// <param name="ErrIsTerminal">Whether Err is a terminal (then training shows a live progress bar).</param>
public sealed record CliContext(TextWriter Out, TextWriter Err, CancellationToken Interrupt, bool ErrIsTerminal = false)
{
    /// <summary>One message line on Err, "addmlp: ..." (made printable: see <see cref="Failures.Printable"/>).</summary>
    public void Report(string message) => Err.WriteLine($"addmlp: {Failures.Printable(message)}");
}
