using System.Diagnostics;
using System.Globalization;

namespace AddMlp.Gpu.Tests;

/// <summary>addmlp as a .NET tool, the library's package, the help (snapshots), and tab completion.</summary>
public sealed class ToolAndHelpTests
{
    public static TheoryData<string> Commands => new() { "", "train", "predict", "eval", "bench", "export", "plot", "info" };

    /// <summary>
    /// Each command's help is kept in tests/AddMlp.Gpu.Tests/Snapshots/help-*.txt; a change to it shows
    /// up as a failing test and a diff. Run the tests with ADDMLP_UPDATE_SNAPSHOTS=1 to accept it.
    /// </summary>
    [Theory]
    [MemberData(nameof(Commands))]
    public void Help_matches_its_snapshot(string command)
    {
        using var dir = new TempDir();
        CliResult help = Cli.Run(dir.Path, command == "" ? ["--help"] : [command, "--help"]);
        string snapshot = Repo.File("tests", "AddMlp.Gpu.Tests", "Snapshots", $"help-{(command == "" ? "addmlp" : command)}.txt");
        if (Environment.GetEnvironmentVariable("ADDMLP_UPDATE_SNAPSHOTS") == "1")
            File.WriteAllText(snapshot, help.StdOut);

        Assert.Equal(0, help.ExitCode);
        Assert.Contains("Example: addmlp", help.StdOut);
        Assert.Equal(File.ReadAllText(snapshot), help.StdOut);
    }

    [Theory]
    [InlineData("train --dev", "--device")]
    [InlineData("train --optimizer ", "adam\nadamw\nsgd")]
    [InlineData("pl", "plot")]
    [InlineData("", "--help\n--version\n-h\nbench\neval\nexport\ninfo\nlr-find\nplot\npredict\nsweep\ntrain")] // no -?, /?, /h
    public void Tab_completion_answers_through_the_suggest_directive(string line, string expected)
    {
        using var dir = new TempDir();
        CliResult result = Cli.Run(dir.Path, $"[suggest:{line.Length.ToString(CultureInfo.InvariantCulture)}]", line);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(expected, result.StdOut.Trim().ReplaceLineEndings("\n"));
    }

    [Theory]
    [InlineData("trian", "Unrecognized command or argument 'trian'. Did you mean 'train'? See 'addmlp --help'.")]
    [InlineData("pridict 1 2", "Did you mean 'predict'?")]
    [InlineData("train --epoch 5", "Unrecognized command or argument '--epoch'. Did you mean '--epochs'? See 'addmlp train --help'.")]
    [InlineData("xyzzy", "Unrecognized command or argument 'xyzzy'. See 'addmlp --help'.")]
    public void A_mistyped_command_or_option_gets_a_suggestion_when_one_is_close(string commandLine, string message)
    {
        using var dir = new TempDir();
        CliResult result = Cli.Run(dir.Path, commandLine.Split(' '));

        Assert.Equal(2, result.ExitCode);
        Assertions.OneLineError(result);
        Assert.Contains(message, result.StdErr);
        Assert.Empty(dir.Files());
    }

    [Fact]
    public void The_tool_package_installs_and_runs_train_and_predict()
    {
        using var dir = new TempDir();
        string packages = Path.Combine(dir.Path, "packages"), tools = Path.Combine(dir.Path, "tools"), work = Path.Combine(dir.Path, "work");
        Directory.CreateDirectory(work);

        // As docs/tool.md packs it: Native AOT, reusing the compilation scripts/test's build of scripts/addmlp made.
        Run(Repo.File("scripts", "pack-tool"), ["-o", packages], Repo.Root, ("TorchBackend", "cpu"));
        Assert.Equal(["addmlp.4.1.0.nupkg", "addmlp.linux-x64.4.1.0.nupkg"], Directory.GetFiles(packages).Select(Path.GetFileName).Order());
        using (var tool = System.IO.Compression.ZipFile.OpenRead(Path.Combine(packages, "addmlp.4.1.0.nupkg")))
        using (var readme = new StreamReader(tool.GetEntry("README.md")!.Open()))
            Assert.Equal(File.ReadAllText(Repo.File("docs", "tool.md")), readme.ReadToEnd()); // the feed's page: docs/tool.md
        using (var platform = System.IO.Compression.ZipFile.OpenRead(Path.Combine(packages, "addmlp.linux-x64.4.1.0.nupkg")))
        {
            // The command is the native executable: no managed entry point for `dotnet` to JIT.
            Assert.NotNull(platform.GetEntry("tools/any/linux-x64/addmlp"));
            Assert.DoesNotContain(platform.Entries, entry => entry.Name == "addmlp.dll");
            Assert.NotNull(platform.GetEntry("tools/any/linux-x64/libtorch_cpu.so"));
        }
        Run("dotnet", ["tool", "install", "addmlp", "--tool-path", tools, "--add-source", packages], dir.Path);

        string addmlp = Path.Combine(tools, "addmlp");
        Assert.Equal("4.1.0", Run(addmlp, ["--version"], work).Trim()); // the package's version is the product's
        Run(addmlp, ["train", "--quiet"], work);
        string sum = Run(addmlp, ["predict", "0.3", "0.5"], work);

        Assert.InRange(double.Parse(sum, CultureInfo.InvariantCulture), 0.8 - 1e-4, 0.8 + 1e-4);
        Assert.True(File.Exists(Path.Combine(work, "addmlp-model.json")));
    }

    [Theory]
    [InlineData("--bogus", "unknown argument '--bogus'")]
    [InlineData("-o", "-o needs a value")]
    [InlineData("--platforms linux-arm64", "leaves out this machine's platform, linux-x64, which is the one packed here: add it")]
    [InlineData("-o /etc/passwd", "-o '/etc/passwd' is a file, not a folder")]
    public void Pack_tool_refuses_bad_arguments_in_one_line_before_building(string arguments, string message)
    {
        using var dir = new TempDir();
        CliResult result = Cli.RunExe(Repo.File("scripts", "pack-tool"), dir.Path, ["-o", Path.Combine(dir.Path, "packages"), .. arguments.Split(' ')]);

        Assert.Equal(2, result.ExitCode);
        Assertions.OneLineError(result);
        Assert.Contains(message, result.StdErr);
        Assert.Empty(Directory.GetFileSystemEntries(dir.Path)); // nothing packed, nothing made
    }

    [Fact]
    public void The_library_package_carries_its_readme_and_its_TorchSharp_dependencies()
    {
        using var dir = new TempDir();

        Run("dotnet", ["pack", Repo.File("src", "AddMlp.Gpu", "AddMlp.Gpu.csproj"), "-c", "Release", "-p:TorchBackend=cpu", "-o", dir.Path, "-nologo", "-v", "q"], Repo.Root);

        Assert.Equal(["AddMlp.Gpu.4.1.0.nupkg"], dir.Files());
        using var package = System.IO.Compression.ZipFile.OpenRead(dir.File("AddMlp.Gpu.4.1.0.nupkg"));
        string Read(string entry)
        {
            using var reader = new StreamReader(package.GetEntry(entry)!.Open());
            return reader.ReadToEnd();
        }
        Assert.Equal(File.ReadAllText(Repo.File("docs", "library.md")), Read("README.md"));
        string nuspec = Read("AddMlp.Gpu.nuspec");
        Assert.Contains("<readme>README.md</readme>", nuspec);
        Assert.Contains("<dependency id=\"TorchSharp\" version=\"0.107.0\"", nuspec);
        Assert.Contains("<dependency id=\"libtorch-cpu-linux-x64\" version=\"2.10.0\"", nuspec);
        Assert.NotNull(package.GetEntry("lib/net10.0/AddMlp.Gpu.dll"));
    }

    private static string Run(string program, string[] args, string workingDirectory, params (string Name, string Value)[] environment)
    {
        var start = new ProcessStartInfo(program) { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string arg in args)
            start.ArgumentList.Add(arg);
        foreach (var (name, value) in environment)
            start.Environment[name] = value;
        using var process = Process.Start(start)!;
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(8)), $"{program} {string.Join(' ', args)} timed out");
        Assert.True(process.ExitCode == 0, $"{program} {string.Join(' ', args)} exited {process.ExitCode}\n{stdout}\n{stderr.Result}");
        return stdout;
    }
}
