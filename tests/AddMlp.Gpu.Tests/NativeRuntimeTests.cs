namespace AddMlp.Gpu.Tests;

/// <summary>A native library that will not load becomes a short diagnosis with the fix, never TorchSharp's trace.</summary>
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
        Assert.Contains("scripts/bootstrap", e.Fix);
        Assert.Contains("GCC 13+", e.Fix);
    }

    [Fact]
    public void Missing_dependency_names_the_file_that_was_not_found()
    {
        NativeRuntimeException e = NativeRuntime.Diagnose(
            "/app/libLibTorchSharp.so",
            "Unable to load shared library '/app/libLibTorchSharp.so' or one of its dependencies. ...: \nlibtorch_cpu.so: cannot open shared object file: No such file or directory\n");

        Assert.Equal("cannot load libLibTorchSharp.so: libtorch_cpu.so was not found.", e.Problem);
        Assert.Contains("LD_LIBRARY_PATH", e.Fix);
    }

    [Fact]
    public void A_broken_native_library_makes_addmlp_exit_3_with_a_short_diagnosis()
    {
        using var app = new TempDir();
        string dll = CopyAppWithBrokenLibTorchSharp(app.Path);

        CliResult result = Cli.RunDll(dll, app.Path, "train", "--epochs", "2");

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

    /// <summary>
    /// A copy of the built addmlp whose libLibTorchSharp.so is not a shared library; the other native
    /// libraries are linked, not copied (they are hundreds of MB).
    /// </summary>
    private static string CopyAppWithBrokenLibTorchSharp(string target)
    {
        string source = AppContext.BaseDirectory;
        foreach (string file in Directory.GetFiles(source))
            File.Copy(file, Path.Combine(target, Path.GetFileName(file)));
        string nativeSource = Path.Combine(source, "runtimes", "linux-x64", "native");
        string native = Directory.CreateDirectory(Path.Combine(target, "runtimes", "linux-x64", "native")).FullName;
        foreach (string file in Directory.GetFiles(nativeSource))
            File.CreateSymbolicLink(Path.Combine(native, Path.GetFileName(file)), file);
        string broken = Path.Combine(native, "libLibTorchSharp.so");
        File.Delete(broken);
        File.WriteAllText(broken, string.Concat(Enumerable.Repeat("not a shared library\n", 200)));
        return Path.Combine(target, "addmlp.dll");
    }
}
