namespace AddMlp.Gpu.Cli;

/// <summary>addmlp's exit codes: a contract that scripts depend on (README, "Exit codes").</summary>
public static class ExitCodes
{
    public const int Ok = 0;
    /// <summary>The run failed: diverged, I/O error.</summary>
    public const int RunFailed = 1;
    /// <summary>Bad usage or bad input (arguments, model files).</summary>
    public const int BadInput = 2;
    /// <summary>The environment cannot do it: device unavailable, native runtime missing.</summary>
    public const int Environment = 3;
    /// <summary>Interrupted (Ctrl+C, SIGTERM).</summary>
    public const int Interrupted = 130;
}
