using System.Diagnostics;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace AddMlp.Gpu.Tests;

/// <summary>
/// The README's "Use it from C#" example is compiled against the library's public API alone (the
/// compiled assembly is no friend of AddMlp.Gpu, so internals do not compile), run as a program of its
/// own, and must print what the README shows. Its ONNX example is compiled against ONNX Runtime alone
/// (neither addmlp's library nor TorchSharp) and run on the file `addmlp export` wrote.
/// </summary>
[Collection(TestBinariesCollection.Name)]
public sealed partial class ReadmeExampleTests
{
    private const string Section = "## Use it from C#", OnnxSection = "## Deploy it with ONNX Runtime, no libtorch";

    /// <summary>What `ImplicitUsings` gives a console project.</summary>
    private const string ImplicitUsings = """
        global using System;
        global using System.Collections.Generic;
        global using System.IO;
        global using System.Linq;
        global using System.Threading;
        global using System.Threading.Tasks;
        """;

    [Fact]
    public void The_readme_example_compiles_against_the_public_API_and_prints_what_the_readme_shows()
    {
        (string code, string shown) = Example(File.ReadAllText(Repo.File("README.md")), Section);
        string program = System.IO.Path.Combine(AppContext.BaseDirectory, $"ReadmeExample-{Guid.NewGuid():N}.dll");
        try
        {
            Compile(code, program, typeof(Trainer).Assembly, typeof(TorchSharp.torch).Assembly);
            using var work = new TempDir();

            (int exitCode, string stdout, string stderr) = Run(program, work.Path);

            Assert.True(exitCode == 0, $"exit {exitCode}\n{stdout}\n{stderr}");
            Assert.Equal(shown, stdout.ReplaceLineEndings("\n"));
            Assert.Equal(["adder.json"], work.Files());
        }
        finally
        {
            File.Delete(program);
        }
    }

    [Fact]
    public void The_readme_ONNX_example_runs_on_ONNX_Runtime_alone_and_prints_what_the_readme_shows()
    {
        (string code, string shown) = Example(File.ReadAllText(Repo.File("README.md")), OnnxSection);
        string program = System.IO.Path.Combine(AppContext.BaseDirectory, $"ReadmeOnnxExample-{Guid.NewGuid():N}.dll");
        try
        {
            Compile(code, program, typeof(Microsoft.ML.OnnxRuntime.InferenceSession).Assembly);
            using var work = new TempDir();
            Assert.Equal(0, Cli.Run(work.Path, "train", "--quiet").ExitCode);
            Assert.Equal(0, Cli.Run(work.Path, "export", "-o", "adder.onnx").ExitCode);

            (int exitCode, string stdout, string stderr) = Run(program, work.Path);

            Assert.True(exitCode == 0, $"exit {exitCode}\n{stdout}\n{stderr}");
            Assert.Equal(shown, stdout.ReplaceLineEndings("\n"));
        }
        finally
        {
            File.Delete(program);
        }
    }

    [Fact]
    public void The_library_readme_shows_the_same_example()
    {
        (string readmeCode, _) = Example(File.ReadAllText(Repo.File("README.md")), Section);
        string library = File.ReadAllText(Repo.File("docs", "library.md"));

        Assert.Equal(readmeCode, CSharpBlock().Match(library[library.IndexOf(Section, StringComparison.Ordinal)..]).Groups["code"].Value);
    }

    /// <summary>The section's C# block and the output block after it.</summary>
    private static (string Code, string Output) Example(string markdown, string section)
    {
        int start = markdown.IndexOf(section, StringComparison.Ordinal);
        Assert.True(start >= 0, $"no '{section}' section");
        Match code = CSharpBlock().Match(markdown, start);
        Match output = OutputBlock().Match(markdown, code.Index + code.Length);
        Assert.True(code.Success && output.Success, "the section needs a ```csharp block and then a ``` block with its output");
        return (code.Groups["code"].Value, output.Groups["text"].Value);
    }

    /// <summary>Compiles <paramref name="code"/> against the framework and <paramref name="libraries"/>, nothing else.</summary>
    private static void Compile(string code, string assemblyPath, params System.Reflection.Assembly[] libraries)
    {
        string framework = System.IO.Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        IEnumerable<MetadataReference> references = Directory.GetFiles(framework, "*.dll")
            .Where(IsManagedAssembly)
            .Select(path => MetadataReference.CreateFromFile(path))
            .Concat(libraries.Select(library => MetadataReference.CreateFromFile(library.Location)));
        var parse = new CSharpParseOptions(LanguageVersion.Latest);
        CSharpCompilation compilation = CSharpCompilation.Create(
            System.IO.Path.GetFileNameWithoutExtension(assemblyPath),
            [CSharpSyntaxTree.ParseText(ImplicitUsings, parse), CSharpSyntaxTree.ParseText(code, parse)],
            references,
            new CSharpCompilationOptions(OutputKind.ConsoleApplication, nullableContextOptions: NullableContextOptions.Enable));

        var result = compilation.Emit(assemblyPath);

        Assert.True(result.Success, string.Join('\n', result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error)));
    }

    private static bool IsManagedAssembly(string path)
    {
        try
        {
            System.Reflection.AssemblyName.GetAssemblyName(path);
            return true;
        }
        catch (BadImageFormatException)
        {
            return false;
        }
    }

    /// <summary>Runs the program as its own process, beside the test binaries and with their dependencies (TorchSharp, libtorch).</summary>
    private static (int ExitCode, string StdOut, string StdErr) Run(string program, string workingDirectory)
    {
        string bin = AppContext.BaseDirectory;
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in (string[])["exec", "--depsfile", System.IO.Path.Combine(bin, "AddMlp.Gpu.Tests.deps.json"),
                     "--runtimeconfig", System.IO.Path.Combine(bin, "AddMlp.Gpu.Tests.runtimeconfig.json"), program])
            start.ArgumentList.Add(argument);
        using Process process = Process.Start(start)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail("the example did not finish in 2 minutes");
        }
        return (process.ExitCode, stdout.Result, stderr.Result);
    }

    [GeneratedRegex(@"```csharp\n(?<code>.*?)```", RegexOptions.Singleline)]
    private static partial Regex CSharpBlock();

    [GeneratedRegex(@"\G\s*```\n(?<text>.*?)```", RegexOptions.Singleline)]
    private static partial Regex OutputBlock();
}
