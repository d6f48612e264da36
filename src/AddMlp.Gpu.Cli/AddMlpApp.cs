using System.CommandLine;
using System.CommandLine.Help;

namespace AddMlp.Gpu.Cli;

/// <summary>addmlp's commands: parse, run one, turn every failure into one line on stderr and a documented exit code.</summary>
public static class AddMlpApp
{
    public static RootCommand CreateRoot(CliContext context)
    {
        var root = new RootCommand("addmlp: train a small neural network to add two numbers, on a CUDA GPU or the CPU (TorchSharp).\n\nStart with: addmlp train, then addmlp predict 0.3 0.5. When something is wrong: addmlp info.")
        {
            TrainCommand.Create(context),
            PredictCommand.Create(context),
            EvalCommand.Create(context),
            BenchCommand.Create(context),
            ExportCommand.Create(context),
            PlotCommand.Create(context),
            InfoCommand.Create(context),
            SweepCommand.Create(context),
            LrFindCommand.Create(context),
        };
        // Help answers to --help and -h: the DOS-style spellings (-?, /?, /h) are not what a Linux user
        // types, and tab completion would offer them among the commands.
        foreach (HelpOption help in root.Options.OfType<HelpOption>())
        {
            foreach (string alias in (string[])["-?", "/?", "/h"])
                help.Aliases.Remove(alias);
        }
        return root;
    }

    /// <summary>
    /// Whether the command line will use libtorch, judged from the words alone (before parsing):
    /// train, eval, bench and info do; predict does only on a GPU (on the CPU it runs managed code).
    /// </summary>
    public static bool NeedsLibTorch(string[] args)
    {
        if (args.Length == 0 || args.Contains("--help") || args.Contains("-h") || args.Contains("-?"))
            return false;
        if (args[0] is "train" or "eval" or "bench" or "info" or "export" or "lr-find" || args is ["sweep", "report", ..])
            return true;
        int device = Array.IndexOf(args, "--device");
        return args[0] == "predict" && device >= 0 && device + 1 < args.Length
            && !(DeviceRequest.TryParse(args[device + 1], out DeviceRequest request) && request.Kind == DeviceKind.Cpu);
    }

    /// <summary>What the command in <paramref name="args"/> does on a first SIGINT, SIGTERM or SIGHUP, as its message says it.</summary>
    public static string OnSignal(string[] args) => args.FirstOrDefault() switch
    {
        "train" => "finishing the current epoch and saving",
        "sweep" when args.ElementAtOrDefault(1) is not ("report" or "status") => "every running trial finishes its epoch and saves",
        _ => "stopping without writing anything",
    };

    /// <summary>
    /// How every command line is parsed (a config file's options too). No response files: addmlp has no
    /// use for them, and "@name" expanded by the parser escaped error handling (a folder aborted, a file
    /// naming itself overflowed the stack, @/dev/zero ate memory).
    /// </summary>
    public static ParserConfiguration Parsing { get; } = new() { ResponseFileTokenReplacer = null };

    /// <summary>What may follow a command: its subcommands and its options, by every name they answer to.</summary>
    private static IEnumerable<string> Words(Command command) =>
        command.Subcommands.Select(c => c.Name).Concat(command.Options.SelectMany(o => o.Aliases.Prepend(o.Name)));

    public static async Task<int> RunAsync(string[] args, CliContext context)
    {
        RootCommand root = CreateRoot(context);
        ParseResult parse;
        try
        {
            parse = root.Parse(args, Parsing);
        }
        catch (Exception e) // an option's parser that failed: still one line, never a trace
        {
            return Fail(context, e);
        }
        if (args.Length == 0)
        {
            context.Err.WriteLine("addmlp: no command given: try 'addmlp train', then 'addmlp predict 0.3 0.5'. See 'addmlp --help'.");
            return ExitCodes.BadInput;
        }
        if (parse.Errors.Count > 0)
        {
            // One line: the most specific error (an unknown word explains "command not provided").
            var error = parse.Errors.FirstOrDefault(e => e.Message.StartsWith("Unrecognized", StringComparison.Ordinal)) ?? parse.Errors[0];
            Command current = parse.CommandResult.Command;
            string command = current == root ? "addmlp" : $"addmlp {current.Name}";
            if (PredictCommand.TooManyNumbers(parse) is string tooMany)
            {
                context.Report(tooMany);
                return ExitCodes.BadInput;
            }
            string guess = parse.UnmatchedTokens.Count == 0 ? ""
                : Suggestions.ForUnmatched(args, parse.UnmatchedTokens[0], Words(current)) is string hint ? $" {hint}" : "";
            context.Report($"{error.Message.TrimEnd('.')}.{guess} See '{command} --help'.");
            return ExitCodes.BadInput;
        }

        try
        {
            var invocation = new InvocationConfiguration
            {
                EnableDefaultExceptionHandler = false,
                ProcessTerminationTimeout = null, // Interruption handles signals
                Output = context.Out,
                Error = context.Err,
            };
            return await parse.InvokeAsync(invocation);
        }
        catch (Exception e)
        {
            return Fail(context, e);
        }
    }

    /// <summary>Says what went wrong in one line (and a fix where there is one); returns the exit code.</summary>
    private static int Fail(CliContext context, Exception e)
    {
        (int code, string message, string? fix) = Failures.Describe(e);
        context.Report(message);
        if (fix is not null)
            context.WriteErrLine($"  fix: {Failures.Printable(fix)}");
        return code;
    }
}
