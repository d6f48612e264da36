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
            layers.Add(($"{layers.Count}", nn.Linear(widths[layer], widths[layer + 1])));
        }
        return nn.Sequential(layers);
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
