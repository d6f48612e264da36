using AddMlp.Gpu;
using AddMlp.Gpu.Cli;

if (AddMlpApp.NeedsLibTorch(args))
    NativeRuntime.StartLoading();

using var interruption = new Interruption(Console.Error);
int code = await AddMlpApp.RunAsync(args, new CliContext(Console.Out, Console.Error, interruption.Token, ErrIsTerminal: !Console.IsErrorRedirected));
if (NativeRuntime.LoadStarted)
    FastExit.Now(code); // libtorch's teardown is slow and has nothing to do (all files are written and flushed), and unsafe while it is still loading
return code;
