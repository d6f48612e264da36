namespace AddMlp.Gpu.Tests;

/// <summary>The repository the tests run in (found upward from the test binaries).</summary>
public static class Repo
{
    public static string Root { get; } = Find();

    public static string File(params string[] parts) => Path.Combine([Root, .. parts]);

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (System.IO.File.Exists(Path.Combine(dir.FullName, "AddMlp.Gpu.sln")))
                return dir.FullName;
        }
        throw new InvalidOperationException($"no AddMlp.Gpu.sln above {AppContext.BaseDirectory}");
    }
}
