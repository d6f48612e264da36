namespace AddMlp.Gpu.Cli;

/// <summary>How to start this addmlp again, for a sweep's trials and its Slurm script.</summary>
internal static class Self
{
    /// <summary>The executable: addmlp itself (Native AOT, or the .NET tool's apphost), or `dotnet` running addmlp.dll.</summary>
    public static string Executable { get; } = Environment.ProcessPath ?? throw new InvalidOperationException("this process does not know its executable");

    /// <summary>The words before the command: addmlp.dll when the executable is `dotnet`, else none.</summary>
    public static IReadOnlyList<string> Prefix { get; } =
        Path.GetFileNameWithoutExtension(Executable) == "dotnet" ? [Path.Combine(AppContext.BaseDirectory, "addmlp.dll")] : [];
}
