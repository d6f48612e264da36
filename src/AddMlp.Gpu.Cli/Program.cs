using AddMlp.Gpu.Cli;

using var interruption = new Interruption(Console.Error);
return await AddMlpApp.RunAsync(args, new CliContext(Console.Out, Console.Error, interruption.Token));
