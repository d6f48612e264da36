using AddMlp.Gpu.Cli;

namespace AddMlp.Gpu.Tests;

/// <summary>A native library that will not load becomes a short diagnosis with the fix, never TorchSharp's trace.</summary>
[Collection(TestBinariesCollection.Name)]
public sealed class NativeRuntimeTests
{
    // What .NET said on Debian 12 (libstdc++ of GCC 12) when asked to load TorchSharp 0.107's native library.
    private const string Debian12Message =
        "Unable to load shared library '/app/runtimes/linux-x64/native/libLibTorchSharp.so' or one of its dependencies. "
        + "In order to help diagnose loading problems, consider using a tool like strace. If you're using glibc, consider setting the LD_DEBUG environment variable: \n"
        + "/lib/x86_64-linux-gnu/libstdc++.so.6: version `GLIBCXX_3.4.32' not found (required by /app/runtimes/linux-x64/native/libLibTorchSharp.so)\n";

    [Fact]
    public void Missing_GLIBCXX_names_the_library_the_version_and_the_fix()
    {
        NativeRuntimeException e = NativeRuntime.Diagnose("/app/runtimes/linux-x64/native/libLibTorchSharp.so", Debian12Message);

        Assert.Equal("cannot load libLibTorchSharp.so: libstdc++.so.6 lacks GLIBCXX_3.4.32 (TorchSharp 0.107.0 needs the libstdc++ of GCC 13 or newer).", e.Problem);
        Assert.Contains("scripts/bootstrap", Failures.Remedy(e));
        Assert.Contains("GCC 13+", Failures.Remedy(e));
    }

    [Fact]
    public void Missing_dependency_names_the_file_that_was_not_found()
    {
        NativeRuntimeException e = NativeRuntime.Diagnose(
            "/app/libLibTorchSharp.so",
            "Unable to load shared library '/app/libLibTorchSharp.so' or one of its dependencies. ...: \nlibtorch_cpu.so: cannot open shared object file: No such file or directory\n");

        Assert.Equal("cannot load libLibTorchSharp.so: libtorch_cpu.so was not found.", e.Problem);
        Assert.Contains("ADDMLP_LIBTORCH", Failures.Remedy(e));
    }

    /// <summary>Both builds: the JIT one built beside the tests, and the Native AOT one scripts/test builds.</summary>
    [Theory]
    [InlineData("jit")]
    [InlineData("aot")]
    public void A_broken_native_library_makes_addmlp_exit_3_with_a_short_diagnosis(string build)
    {
        using var app = new TempDir();
        CliResult result = build == "jit"
            ? Cli.RunDll(CopyAppWithBrokenLibTorchSharp(AppContext.BaseDirectory, app.Path, "addmlp.dll"), app.Path, "train", "--epochs", "2")
            : Cli.RunExe(CopyAppWithBrokenLibTorchSharp(PublishedAot(), app.Path, "addmlp"), app.Path, "train", "--epochs", "2");

        Assert.Equal(3, result.ExitCode);
        string[] lines = result.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.StartsWith("addmlp: cannot load libLibTorchSharp.so: ", lines[0]);
        Assert.Contains("invalid ELF header", lines[0]);
        Assert.StartsWith("  fix: ", lines[1]);
        Assert.DoesNotContain("   at ", result.StdErr);
        Assert.DoesNotContain("LoadNativeBackend", result.StdErr);
        Assert.False(File.Exists(Path.Combine(app.Path, "addmlp-model.json")));
    }

    /// <summary>The folder scripts/addmlp publishes the Native AOT build to (scripts/test builds it first).</summary>
    private static string PublishedAot()
    {
        string dir = Repo.File("artifacts", "addmlp");
        string stamp = Path.Combine(dir, ".build-stamp");
        Assert.True(File.Exists(stamp) && File.ReadAllText(stamp).Trim().EndsWith(" aot", StringComparison.Ordinal),
            $"no Native AOT build in {dir}: run the tests with scripts/test, which builds it");
        return dir;
    }

    /// <summary>
    /// A copy of a built addmlp (the folder <paramref name="source"/>) whose libLibTorchSharp.so is not a
    /// shared library; the other native libraries are linked, not copied (they are hundreds of MB).
    /// The JIT build keeps them under runtimes/RID/native, the Native AOT build beside the executable.
    /// </summary>
    private static string CopyAppWithBrokenLibTorchSharp(string source, string target, string program)
    {
        foreach (string dir in Directory.GetDirectories(source, "*", SearchOption.AllDirectories))
            Directory.CreateDirectory(Path.Combine(target, Path.GetRelativePath(source, dir)));
        foreach (string file in Directory.GetFiles(source, "*", SearchOption.AllDirectories))
        {
            string copy = Path.Combine(target, Path.GetRelativePath(source, file));
            if (Path.GetFileName(file) == "libLibTorchSharp.so")
                File.WriteAllText(copy, string.Concat(Enumerable.Repeat("not a shared library\n", 200)));
            else if (Path.GetRelativePath(source, file).StartsWith("runtimes", StringComparison.Ordinal) || Path.GetFileName(file).Contains(".so", StringComparison.Ordinal))
                File.CreateSymbolicLink(copy, file); // native libraries
            else
                File.Copy(file, copy);
        }
        string programCopy = Path.Combine(target, program);
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(programCopy, File.GetUnixFileMode(Path.Combine(source, program)));
        return programCopy;
    }
}
