namespace AddMlp.Gpu;

/// <summary>The libtorch a build runs on, chosen at build time (MSBuild property TorchBackend; see docs/setup.md).</summary>
public enum TorchBackend
{
    /// <summary>TorchSharp-cpu's libtorch.</summary>
    Cpu,
    /// <summary>TorchSharp-cuda-linux's or -windows' libtorch.</summary>
    Cuda,
    /// <summary>TorchSharp's shim alone, over an installed libtorch (ADDMLP_LIBTORCH, or python3's torch).</summary>
    External,
}
