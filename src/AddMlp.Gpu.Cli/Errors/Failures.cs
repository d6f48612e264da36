using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace AddMlp.Gpu.Cli;

/// <summary>The command line asks for something that cannot be done as asked (exit 2).</summary>
public sealed class UsageException(string message) : Exception(message);

/// <summary>
/// Every failure a command can end in, worded for the command line: the library's typed errors carry
/// the facts, and this is the one place that turns them into a sentence (with the option or script that
/// helps) and an exit code.
/// </summary>
public static partial class Failures
{
    /// <summary>The longest a quoted value from the user is echoed; the middle of a longer one is left out.</summary>
    private const int MaxQuoted = 120;

    /// <summary>The longest a message line is.</summary>
    private const int MaxLine = 2000;

    /// <summary>
    /// A message as it may be printed: control characters (a newline in a path, a terminal escape) shown
    /// as escapes, so the line stays one line and the terminal is left alone; a long quoted value (a path,
    /// a string read from a file) shortened in the middle; the whole line bounded.
    /// </summary>
    public static string Printable(string message)
    {
        string line = Quoted().Replace(message, m => m.Value.Length - 2 <= MaxQuoted
            ? m.Value
            : $"'{m.Value[1..(MaxQuoted / 2 + 1)]}...{m.Value[^(MaxQuoted / 2 + 1)..^1]}'");
        line = Escaped(line);
        return line.Length <= MaxLine ? line : line[..MaxLine] + "...";
    }

    private static string Escaped(string text)
    {
        if (!text.Any(char.IsControl))
            return text;
        var escaped = new StringBuilder(text.Length + 8);
        foreach (char c in text)
        {
            escaped.Append(c switch
            {
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                _ when char.IsControl(c) => $"\\x{(int)c:X2}",
                _ => c.ToString(),
            });
        }
        return escaped.ToString();
    }

    [GeneratedRegex("'[^']*'")]
    private static partial Regex Quoted();

    /// <summary>The exit code, the message line, and for a native-runtime failure the remedy (printed as a "fix:" line).</summary>
    public static (int ExitCode, string Message, string? Fix) Describe(Exception e) => e switch
    {
        _ when OutOfMemory(e) => (ExitCodes.Environment, OutOfMemory(), null),
        _ when TooManyOpenFiles(e) => (ExitCodes.Environment, $"too many open files: {(ProcessLimits.OpenFiles is long n ? $"this process may have only {n} open (ulimit -n {n})" : "the system's limit was reached")}; raise it (ulimit -n 1024)", null),
        UsageException => (ExitCodes.BadInput, e.Message, null),
        ModelFileException file => (ExitCodes.BadInput, file.Message + Hint(file), null),
        DataFileException data => (ExitCodes.BadInput, data.Message, null),
        TrainingTooLargeException big => (ExitCodes.BadInput, TooLarge(big), null),
        InvalidTrainOptionsException invalid => (ExitCodes.BadInput, invalid.Problems[0].Describe(TrainOptionTable.OptionName), null),
        DeviceUnavailableException device => (ExitCodes.Environment, Unavailable(device), null),
        EnvironmentProblemException => (ExitCodes.Environment, e.Message, null),
        NativeRuntimeException native => (ExitCodes.Environment, native.Problem, Remedy(native)),
        OperationCanceledException => (ExitCodes.Interrupted, "interrupted: stopped without writing anything; every file is as it was", null),
        IOException or UnauthorizedAccessException => (ExitCodes.RunFailed, $"I/O error: {FirstLine(e.Message)}", null),
        // .NET reports EFBIG from growing a file (a file-size limit, `ulimit -f`) as an argument error.
        ArgumentOutOfRangeException when e.Message.Contains("too large for the file system", StringComparison.Ordinal) =>
            (ExitCodes.RunFailed, $"I/O error: File too large: {(ProcessLimits.FileSizeBytes is long max ? $"this process may write files of at most {max >> 10} KiB (ulimit -f {max >> 10})" : "the file system's limit was reached")}", null),
        // libtorch's errors carry a C++ backtrace after their first line: never the user's business.
        _ => (ExitCodes.RunFailed, $"unexpected error: {e.GetType().Name}: {FirstLine(e.Message)}", null),
    };

    /// <summary>
    /// A resource limit (`ulimit`) too low for the command to run, said before it starts (libtorch would
    /// otherwise abort the process without a word); null when the limits allow it.
    /// </summary>
    public static string? LimitTooLow(bool needsLibTorch)
    {
        if (ProcessLimits.OpenFiles is long files && files < ProcessLimits.MinimumOpenFiles)
            return $"this process may have only {files} files open (ulimit -n {files}); addmlp needs at least {ProcessLimits.MinimumOpenFiles}: raise it (ulimit -n 1024)";
        if (needsLibTorch && ProcessLimits.AddressSpaceBytes is long bytes && bytes < ProcessLimits.MinimumAddressSpaceForLibtorch)
            return $"this process may map only {bytes >> 20} MiB of memory (ulimit -v {bytes >> 10}); libtorch needs at least {ProcessLimits.MinimumAddressSpaceForLibtorch >> 20} MiB: raise it (ulimit -v unlimited)";
        return null;
    }

    /// <summary>Out of memory: the process's limit (ulimit -v) when it has one, which is then the likely cause.</summary>
    public static string OutOfMemory() => ProcessLimits.AddressSpaceBytes is long bytes
        ? $"out of memory: this process may use only {bytes >> 20} MiB of address space (ulimit -v {bytes >> 10}); raise it (ulimit -v unlimited)"
        : "out of memory: the machine has too little free memory for addmlp to start";

    /// <summary>Memory that could not be had, anywhere in the exception's chain: .NET's own, or ENOMEM from the system.</summary>
    private static bool OutOfMemory(Exception e) => InChain(e, x =>
        x is OutOfMemoryException or System.ComponentModel.Win32Exception { NativeErrorCode: 12 } // ENOMEM
        || (x is IOException && x.Message.Contains("Cannot allocate memory", StringComparison.Ordinal)));

    /// <summary>EMFILE or ENFILE anywhere in the exception's chain: the environment's limit, not the user's input.</summary>
    public static bool TooManyOpenFiles(Exception e) =>
        InChain(e, x => x is IOException && x.Message.Contains("Too many open files", StringComparison.Ordinal));

    private static bool InChain(Exception e, Func<Exception, bool> test)
    {
        for (Exception? x = e; x is not null; x = x.InnerException)
        {
            if (test(x))
                return true;
        }
        return false;
    }

    private static string FirstLine(string text) => text.Split('\n', 2)[0].TrimEnd();

    /// <summary>What to do when TorchSharp's native side does not load.</summary>
    public static string Remedy(NativeRuntimeException e) => e.Failure switch
    {
        NativeRuntimeFailure.LibstdcxxTooOld =>
            "run scripts/bootstrap (on Debian 12 it installs Debian 13's libstdc++6), or use a distribution with GCC 13+ libstdc++ (Debian 13, Ubuntu 24.04).",
        NativeRuntimeFailure.LibraryMissing =>
            $"rebuild addmlp (scripts/addmlp does it); with TorchBackend=external set {LibtorchInstall.EnvironmentVariable} to a complete libtorch lib folder (e.g. a PyTorch install's torch/lib).",
        NativeRuntimeFailure.LoadFailed => "rebuild addmlp (scripts/addmlp does it) and run scripts/bootstrap.",
        NativeRuntimeFailure.MemoryLimit => "raise the limit (ulimit -v unlimited, or at least 4 GiB: ulimit -v 4194304).",
        NativeRuntimeFailure.InitializationFailed => "run scripts/bootstrap, then rebuild addmlp (scripts/addmlp does it)",
        NativeRuntimeFailure.NoShim => "rebuild it (scripts/gpu-bundle), or put TorchSharp's shim for your libtorch there (scripts/build-shim).",
        NativeRuntimeFailure.LibtorchNotFound =>
            $"set {LibtorchInstall.EnvironmentVariable} to libtorch's lib folder (a PyTorch install's torch/lib, or a libtorch distribution's lib), or install PyTorch for python3.",
        NativeRuntimeFailure.NotALibtorchFolder =>
            $"set {LibtorchInstall.EnvironmentVariable} to libtorch's lib folder: a PyTorch install's torch/lib, or a libtorch distribution's lib.",
        NativeRuntimeFailure.UnknownLibtorchVersion => "name a PyTorch install's torch/lib or a libtorch distribution's lib, whose version addmlp can read.",
        NativeRuntimeFailure.ShimMismatch => ShimMismatchRemedy(e),
        NativeRuntimeFailure.CudaLibrariesMissing =>
            "install the CUDA libraries this libtorch was built for (for PyTorch from pip: the nvidia-* packages beside torch), or name a CPU-only libtorch.",
        _ => "run addmlp info.",
    };

    private static string ShimMismatchRemedy(NativeRuntimeException e)
    {
        string wanted = e.ShimLibtorchVersion is null ? "" : LibtorchInstall.MajorMinor(e.ShimLibtorchVersion) + " ";
        return $"set {LibtorchInstall.EnvironmentVariable} to a libtorch {wanted}lib folder, or compile a shim for {e.LibtorchVersion}: "
               + $"scripts/build-shim --torchsharp-src TORCHSHARP --libtorch {e.LibtorchDirectory} (see docs/gpu.md).";
    }

    private static string Hint(ModelFileException e) => e.Problem switch
    {
        FileProblem.NotFound when e.File == AddMlpFile.LossCurve => ": run `addmlp train` first, or pass --loss-curve PATH",
        FileProblem.NotFound when !PyTorchFiles.IsStateDict(e.Path) => ": run `addmlp train` first, or pass --model PATH",
        FileProblem.DoesNotFitArchitecture => "; pass --hidden (and --activation) to match the network it was saved from",
        _ => "",
    };

    private static string TooLarge(TrainingTooLargeException e)
    {
        string memory = e.OnGpuHost ? "host memory (the data is made there first)" : "memory";
        return e.DataFile is { } data
            ? $"--data '{data.Path}' ({data.Rows} rows, with --epochs {e.Epochs}) would need about {GiB(e.NeededBytes)} of {memory}, but {GiB(e.AvailableBytes)} is available; train on fewer rows"
            : $"--samples {e.Samples} (with --epochs {e.Epochs}) would need about {GiB(e.NeededBytes)} of {memory}, but {GiB(e.AvailableBytes)} is available; use fewer samples";
    }

    private static string Unavailable(DeviceUnavailableException e)
    {
        if (e.CudaUnavailableReason is null)
            return $"--device {e.Requested}: no such GPU; this machine has {e.DeviceCount} CUDA device(s) (cuda:0 to cuda:{e.DeviceCount - 1})";
        string remedy = NativeRuntime.Backend == TorchBackend.Cpu
            ? "build with -p:TorchBackend=cuda on a machine with an NVIDIA driver, or use --device cpu"
            : "use --device cpu (or auto, which falls back to the CPU)";
        return $"--device {e.Requested}: CUDA is unavailable: {e.CudaUnavailableReason}; {remedy}";
    }

    private static string GiB(long bytes) => (bytes / (double)(1L << 30)).ToString("F1", CultureInfo.InvariantCulture) + " GiB";
}
