namespace AddMlp.Gpu;

/// <summary>TorchSharp's native libraries (libtorch, LibTorchSharp) could not be loaded.</summary>
/// <param name="problem">What failed, in one sentence.</param>
/// <param name="fix">What the user can do about it, in one sentence.</param>
public sealed class NativeRuntimeException(string problem, string fix, Exception? inner = null)
    : Exception($"{problem} Fix: {fix}", inner)
{
    public string Problem { get; } = problem;
    public string Fix { get; } = fix;
}
