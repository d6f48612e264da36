namespace AddMlp.Gpu;

/// <summary>
/// How the network's forward and backward passes are computed (written "portable", "native"). The
/// optimizer, the data and the initial weights are the same either way.
/// </summary>
public enum Kernels
{
    /// <summary>
    /// Only IEEE-754 operations whose result no processor changes (+, −, ×, ÷ on whole tensors, one
    /// element at a time), sums in an order fixed by the data's shape alone, and activations computed by
    /// addmlp itself (<see cref="PortableMath"/>). Same seed and options, same bits on every x86-64 CPU,
    /// at any thread count. CPU only.
    /// </summary>
    Portable,

    /// <summary>
    /// libtorch's own kernels (BLAS matrix products, vectorized reductions, MKL's activations, autograd):
    /// the fastest, but which code path they take, and so the last bits of every result, depends on the
    /// processor and the thread count. What a GPU uses.
    /// </summary>
    Native,
}

/// <summary>Which kernels a run uses.</summary>
internal static class KernelChoice
{
    /// <summary>
    /// The kernels asked for, or by default portable on the CPU and native on a GPU. Throws
    /// <see cref="ArgumentException"/> for portable kernels on a GPU: they are CPU code.
    /// </summary>
    public static Kernels For(Kernels? requested, ResolvedDevice device)
    {
        if (requested == Kernels.Portable && device.IsCuda)
            throw new ArgumentException($"portable kernels run on the CPU only, not on {device.Name}", nameof(requested));
        return requested ?? (device.IsCuda ? Kernels.Native : Kernels.Portable);
    }

    /// <summary>
    /// The device a run with these kernels trains on: as <see cref="Devices.Resolve"/> resolves the name,
    /// except that auto with portable kernels is the CPU, the one device they run on.
    /// </summary>
    public static ResolvedDevice Device(DeviceRequest requested, Kernels? kernels) =>
        requested.Kind == DeviceKind.Auto && kernels == Kernels.Portable
            ? ResolvedDevice.Cpu("auto; portable kernels run on the CPU")
            : Devices.Resolve(requested);
}
