namespace AddMlp.Gpu.Cli;

/// <summary>The command line asks for something that cannot be done as asked (exit 2).</summary>
public sealed class UsageException(string message) : Exception(message);
