using AddMlp.Gpu;
using AddMlp.Gpu.Cli;

// Out of memory before a command could handle it (a low `ulimit -v`): one line and exit 3, never a trace.
AppDomain.CurrentDomain.UnhandledException += (_, e) =>
{
    if (e.ExceptionObject is OutOfMemoryException)
    {
        Console.Error.WriteLine($"addmlp: {Failures.OutOfMemory()}");
        Environment.Exit(ExitCodes.Environment);
    }
};

// First, before any file is opened: a closed stdout or stderr must not hand its number to a model file.
StandardStreams.ReserveClosed();
if (Failures.LimitTooLow(AddMlpApp.NeedsLibTorch(args)) is string limit)
{
    Console.Error.WriteLine($"addmlp: {limit}");
    return ExitCodes.Environment;
}
if (AddMlpApp.NeedsLibTorch(args))
{
    FastExit.Prepare();
    NativeRuntime.StartLoading();
}

// A full or broken stdout or stderr must not cost a run or crash a signal handler: see SafeWriter.
SafeWriter output = StandardStreams.Writer(() => Console.Out);
SafeWriter error = StandardStreams.Error(AddMlpApp.NeedsLibTorch(args));
// On a terminal, the bottom line of stderr is held for the progress bar, and every message goes around it.
StatusLine? status = Console.IsErrorRedirected ? null : new StatusLine(error, StandardStreams.ErrorWidth);
using var interruption = new Interruption(error, status, AddMlpApp.OnSignal(args));
int code = await AddMlpApp.RunAsync(args, new CliContext(output, error, interruption.Token, status));
if (NativeRuntime.LoadStarted)
    FastExit.Now(code); // libtorch's teardown is slow and has nothing to do (all files are written and flushed), and unsafe while it is still loading
output.Flush();
error.Flush();
return code;
