namespace AddMlp.Gpu;

/// <summary>Why TorchSharp's native side could not be used; each has its own remedy.</summary>
public enum NativeRuntimeFailure
{
    /// <summary>The C++ runtime is older than libtorch needs (a GLIBCXX or CXXABI symbol version is missing).</summary>
    LibstdcxxTooOld,

    /// <summary>A library that libtorch or the shim needs was not found.</summary>
    LibraryMissing,

    /// <summary>A native library failed to load for another reason (the loader's message says which).</summary>
    LoadFailed,

    /// <summary>The loader could not map a library into memory: the process's address space is limited (`ulimit -v`).</summary>
    MemoryLimit,

    /// <summary>The libraries loaded but TorchSharp could not initialise libtorch.</summary>
    InitializationFailed,

    /// <summary>External backend: no TorchSharp shim (libLibTorchSharp) beside the program.</summary>
    NoShim,

    /// <summary>External backend: no libtorch named and none found with python3.</summary>
    LibtorchNotFound,

    /// <summary>External backend: the folder named is not a libtorch lib folder.</summary>
    NotALibtorchFolder,

    /// <summary>External backend: the libtorch's version cannot be told, so it cannot be matched with the shim.</summary>
    UnknownLibtorchVersion,

    /// <summary>External backend: the libtorch is another major.minor than the shim was compiled against.</summary>
    ShimMismatch,

    /// <summary>External backend: a CUDA libtorch whose CUDA libraries do not load.</summary>
    CudaLibrariesMissing,
}

/// <summary>TorchSharp's native libraries (libtorch, LibTorchSharp) could not be loaded. The message is the problem in one sentence.</summary>
public sealed class NativeRuntimeException : Exception
{
    /// <param name="failure">Which kind of failure: what a remedy is chosen by.</param>
    /// <param name="problem">What failed, in one sentence.</param>
    /// <param name="libtorch">The external libtorch concerned, where there is one.</param>
    /// <param name="shimLibtorchVersion">The libtorch version the shim was compiled against, where known.</param>
    internal NativeRuntimeException(
        NativeRuntimeFailure failure, string problem, LibtorchInstall? libtorch = null, string? shimLibtorchVersion = null, Exception? inner = null)
        : base(problem, inner)
    {
        (Failure, Problem, Libtorch, ShimLibtorchVersion) = (failure, problem, libtorch, shimLibtorchVersion);
    }

    public NativeRuntimeFailure Failure { get; }

    public string Problem { get; }

    /// <summary>The external libtorch concerned (its folder and version), where there is one.</summary>
    public string? LibtorchDirectory => Libtorch?.LibDirectory;

    public string? LibtorchVersion => Libtorch?.Version;

    /// <summary>The libtorch version TorchSharp's shim was compiled against, where known.</summary>
    public string? ShimLibtorchVersion { get; }

    internal LibtorchInstall? Libtorch { get; }
}
