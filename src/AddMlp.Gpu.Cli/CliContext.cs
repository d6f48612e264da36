namespace AddMlp.Gpu.Cli;

/// <summary>Where a command writes (results to Out, everything else to Err) and the user's interrupt.</summary>
public sealed record CliContext(TextWriter Out, TextWriter Err, CancellationToken Interrupt);
