namespace AddMlp.Gpu;

/// <summary>What loading TorchSharp's native side found: for `addmlp info` and the CUDA diagnosis.</summary>
/// <param name="Failure">Why libtorch cannot be used, or null once it is loaded.</param>
/// <param name="Libtorch">The libtorch the external backend chose (null for builds that bring their own, and where none was found).</param>
/// <param name="ShimLibtorchVersion">The libtorch version TorchSharp's shim was compiled against, e.g. "2.10.0".</param>
/// <param name="CudaProblem">Why the external libtorch's CUDA libraries did not load, in the loader's words; null where they did or there are none.</param>
internal sealed record LibtorchLoad(NativeRuntimeException? Failure, LibtorchInstall? Libtorch, string? ShimLibtorchVersion, string? CudaProblem)
{
    /// <summary>Whether the external libtorch is the major.minor the shim was built for; null where there is no external libtorch.</summary>
    public bool? ShimMatches => Libtorch is null || ShimLibtorchVersion is null
        ? null
        : LibtorchInstall.MajorMinor(Libtorch.Version) == LibtorchInstall.MajorMinor(ShimLibtorchVersion);
}
