using AddMlp.Gpu.Cli;

namespace AddMlp.Gpu.Tests;

/// <summary>Runs addmlp's command line in this process: the same code as the executable, without the process start.</summary>
public static class InProcess
{
    public static CliResult Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        Task<int> run = Task.Run(() => AddMlpApp.RunAsync(args, new CliContext(stdout, stderr, CancellationToken.None)));
        if (!run.Wait(TimeSpan.FromSeconds(30)))
            throw new TimeoutException($"addmlp {string.Join(' ', args)} hung");
        return new CliResult(run.Result, stdout.ToString(), stderr.ToString());
    }
}
