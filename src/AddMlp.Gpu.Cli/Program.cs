using AddMlp.Gpu;
using AddMlp.Gpu.Cli;

// First, before any file is opened: a closed stdout or stderr must not hand its number to a model file.
StandardStreams.ReserveClosed();
bool loadsLibTorch = AddMlpApp.NeedsLibTorch(args);
if (Failures.LimitTooLow(loadsLibTorch) is string limit)
{
    Console.Error.WriteLine($"addmlp: {limit}");
    return ExitCodes.Environment;
}
if (loadsLibTorch)
{
    FastExit.Prepare();
    NativeRuntime.StartLoading();
}

// A full or broken stdout or stderr must not cost a run or crash a signal handler: see SafeWriter.
SafeWriter output = StandardStreams.Writer(() => Console.Out);
SafeWriter error = StandardStreams.Error(loadsLibTorch);
Interruption interruption;
try
{
    // On a terminal, the bottom line of stderr is held for the progress bar, and every message goes around it.
    StatusLine? status = Console.IsErrorRedirected ? null : new StatusLine(error, StandardStreams.ErrorWidth);
    interruption = new Interruption(error, status, AddMlpApp.OnSignal(args));
    int code = await AddMlpApp.RunAsync(args, new CliContext(output, error, interruption.Token, status));
    if (NativeRuntime.LoadStarted)
        FastExit.Now(code); // libtorch's teardown is slow and has nothing to do (all files are written and flushed), and unsafe while it is still loading
    output.Flush();
    error.Flush();
    interruption.Dispose();
    return code;
}
catch (Exception e) // before a command could handle it: out of memory under a low `ulimit -v` (no signal thread): one line, never a trace
{
    (int code, string message, string? _) = Failures.Describe(e);
    error.WriteLine($"addmlp: {message}");
    error.Flush();
    return code;
}
