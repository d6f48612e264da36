using System.CommandLine;
using AddMlp.Gpu;
using AddMlp.Gpu.Cli;

// addmlp: parse, run one command, turn every failure into one line on stderr and a documented exit code.
var root = new RootCommand("addmlp: train a small neural network to add two numbers, on a CUDA GPU or the CPU (TorchSharp).")
{
    TrainCommand.Create(),
    PredictCommand.Create(),
};

ParseResult parse = root.Parse(args);
if (args.Length == 0)
{
    Console.Error.WriteLine("addmlp: no command given: try 'addmlp train', then 'addmlp predict 0.3 0.5'. See 'addmlp --help'.");
    return ExitCodes.BadInput;
}
if (parse.Errors.Count > 0)
{
    // One line: the most specific error (an unknown word explains "command not provided").
    var error = parse.Errors.FirstOrDefault(e => e.Message.StartsWith("Unrecognized", StringComparison.Ordinal)) ?? parse.Errors[0];
    string command = parse.CommandResult.Command == root ? "addmlp" : $"addmlp {parse.CommandResult.Command.Name}";
    Console.Error.WriteLine($"addmlp: {error.Message.TrimEnd('.')}. See '{command} --help'.");
    return ExitCodes.BadInput;
}

try
{
    return await parse.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
}
catch (Exception e)
{
    (int code, string message) = e switch
    {
        UsageException or ModelFileException => (ExitCodes.BadInput, e.Message),
        DeviceUnavailableException => (ExitCodes.Environment, e.Message),
        NativeRuntimeException n => (ExitCodes.Environment, $"{n.Problem}{Environment.NewLine}  fix: {n.Fix}"),
        OperationCanceledException => (ExitCodes.Interrupted, "interrupted"),
        IOException or UnauthorizedAccessException => (ExitCodes.RunFailed, $"I/O error: {e.Message}"),
        _ => (ExitCodes.RunFailed, $"unexpected error: {e.GetType().Name}: {e.Message}"),
    };
    Console.Error.WriteLine($"addmlp: {message}");
    return code;
}
