using TorchSharp;

namespace AddMlp.Gpu;

/// <summary>The device a run uses, with the reason it was chosen (for the summary and the model file).</summary>
/// <param name="Name">"cpu" or "cuda:N".</param>
/// <param name="Reason">Why this device, e.g. "auto: CUDA unavailable (this build uses the CPU-only libtorch)".</param>
public sealed record ResolvedDevice(string Name, string Reason)
{
    public bool IsCuda => Name.StartsWith("cuda", StringComparison.Ordinal);

    internal torch.Device Torch => torch.device(Name);
}
