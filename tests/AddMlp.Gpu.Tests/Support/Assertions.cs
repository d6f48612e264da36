namespace AddMlp.Gpu.Tests;

public static class Assertions
{
    /// <summary>A user-facing error: exactly one line on stderr, no .NET stack trace.</summary>
    public static void OneLineError(CliResult result)
    {
        string[] lines = result.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 1, $"expected one line on stderr:\n{result}");
        Assert.DoesNotContain("   at ", result.StdErr);
        Assert.DoesNotContain("Exception", result.StdErr);
    }
}
