using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AddMlp.Gpu;

/// <summary>Builds the network as PyTorch's nn.Sequential would, so state_dict names match ("0.weight", ...).</summary>
internal static class AdderNet
{
    /// <summary>A freshly initialised network (draws from torch's global generator, like PyTorch).</summary>
    public static Sequential Create(Architecture architecture)
    {
        var layers = new List<(string, nn.Module<Tensor, Tensor>)>();
        IReadOnlyList<int> widths = architecture.LayerWidths;
        for (int layer = 0; layer < widths.Count - 1; layer++)
        {
            if (layer > 0)
                layers.Add(($"{layers.Count}", Nonlinearity(architecture.Activation!.Value)));
            layers.Add(($"{layers.Count}", InitializedLinear(widths[layer], widths[layer + 1])));
        }
        return nn.Sequential(layers);
    }

    /// <summary>
    /// nn.Linear(inputs, outputs) with PyTorch's initial values (kaiming_uniform_ with a = √5 for the weight,
    /// U(−1/√inputs, 1/√inputs) for the bias) from torch's global generator, each computed as libtorch's
    /// uniform_ computes it on an AVX2 or AVX-512 processor, u·(to − from) + from with one rounding (a fused
    /// multiply-add) for the generator's u in [0, 1): libtorch's own kernel rounds twice where it has no
    /// FMA (ATEN_CPU_CAPABILITY=default), which would make the starting point depend on the processor.
    /// </summary>
    private static Linear InitializedLinear(int inputs, int outputs)
    {
        using Tensor state = torch.random.get_rng_state();
        Linear linear = nn.Linear(inputs, outputs); // draws its initial values...
        torch.random.set_rng_state(state);          // ...which are drawn again below: the same numbers, the generator left as it would be
        double a = Math.Sqrt(5), gain = Math.Sqrt(2.0 / (1 + a * a)); // calculate_gain("leaky_relu", a)
        double weightBound = Math.Sqrt(3.0) * (gain / Math.Sqrt(inputs)), biasBound = 1 / Math.Sqrt(inputs);
        using var scope = NewDisposeScope();
        using (no_grad())
        {
            linear.weight!.copy_(Uniform([outputs, inputs], weightBound));
            linear.bias!.copy_(Uniform([outputs], biasBound));
        }
        return linear;
    }

    /// <summary>Values uniform in [−bound, bound) in float32, drawn from torch's global generator as uniform_ draws them.</summary>
    private static Tensor Uniform(long[] shape, double bound)
    {
        float from = (float)-bound, to = (float)bound;
        float[] values = rand(shape, dtype: float32).data<float>().ToArray();
        for (int i = 0; i < values.Length; i++)
            values[i] = MathF.FusedMultiplyAdd(values[i], to - from, from);
        return tensor(values, shape);
    }

    /// <summary>A network with the given weights, named as in <see cref="Architecture.Parameters"/>.</summary>
    public static Sequential FromStateDict(Architecture architecture, IReadOnlyDictionary<string, TensorData> stateDict, DType dtype)
    {
        Sequential model = Create(architecture);
        model.to(dtype.ToTorch());
        using var scope = NewDisposeScope();
        using (no_grad())
        {
            foreach (var (name, parameter) in model.named_parameters())
            {
                TensorData data = stateDict[name];
                parameter.copy_(tensor(data.Values, data.Shape).to(dtype.ToTorch()));
            }
        }
        return model;
    }

    /// <summary>The network's parameters copied to the host, in state_dict order.</summary>
    public static Dictionary<string, TensorData> StateDict(Sequential model)
    {
        using var scope = NewDisposeScope();
        var result = new Dictionary<string, TensorData>();
        foreach (var (name, parameter) in model.named_parameters())
        {
            Tensor host = parameter.detach().to(float64).cpu();
            result[name] = new TensorData(host.shape, host.data<double>().ToArray());
        }
        return result;
    }

    private static nn.Module<Tensor, Tensor> Nonlinearity(Activation activation) => activation switch
    {
        Activation.Relu => nn.ReLU(),
        Activation.Tanh => nn.Tanh(),
        Activation.Gelu => nn.GELU(),
        _ => throw new ArgumentOutOfRangeException(nameof(activation), activation, null),
    };
}
