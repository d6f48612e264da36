using TorchSharp.Modules;
using TorchSharp.PyBridge;

namespace AddMlp.Gpu;

/// <summary>
/// State dicts in PyTorch's own files, through TorchSharp.PyBridge: ".pt"/".pth" (torch.save's zip
/// pickle) and ".safetensors". Names are PyTorch's ("0.weight", "0.bias", ...), so
/// <c>Sequential(Linear(2, 1)).load_state_dict(torch.load(path))</c> reads an export, and a state dict
/// saved by PyTorch loads here. These files carry no architecture: the caller supplies it.
/// </summary>
public static class PyTorchFiles
{
    public static IReadOnlyList<string> Formats { get; } = ["pt", "safetensors"];

    /// <summary>pt for .pt/.pth, safetensors for .safetensors, null for anything else (addmlp's JSON).</summary>
    public static string? FormatOf(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".pt" or ".pth" => "pt",
        ".safetensors" => "safetensors",
        _ => null,
    };

    /// <summary>Writes the model's state dict in <paramref name="format"/>, atomically (temporary file, then rename).</summary>
    public static void Export(ModelDocument model, string path, string format)
    {
        NativeRuntime.EnsureLoaded();
        using Sequential net = AdderNet.FromStateDict(model.Architecture, model.StateDict, DType.Of(model.Dtype));
        AtomicFile.Write(path, temp =>
        {
            if (format == "pt")
                net.save_py(temp);
            else
                net.save_safetensors(temp);
        });
    }

    /// <summary>
    /// Reads a state dict saved by PyTorch (or exported here) into a network of the given architecture.
    /// Throws <see cref="ModelFileException"/> when the file is missing, unreadable, or does not fit.
    /// </summary>
    public static ModelDocument Import(string path, Architecture architecture)
    {
        if (!File.Exists(path))
            throw new ModelFileException($"model file '{path}' not found");
        NativeRuntime.EnsureLoaded();
        using Sequential net = AdderNet.Create(architecture);
        try
        {
            if (FormatOf(path) == "pt")
                net.load_py(path);
            else
                net.load_safetensors(path);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            string shape = architecture.Hidden.Count == 0 ? "Linear(2, 1)" : $"hidden {string.Join(',', architecture.Hidden)}";
            throw new ModelFileException(
                $"model file '{path}' does not load as {shape}: {FirstLine(e.Message)}; pass --hidden (and --activation) to match the network it was saved from", e);
        }
        var model = new ModelDocument { Architecture = architecture, StateDict = AdderNet.StateDict(net) };
        if (model.StateDict.Values.SelectMany(t => t.Values).Any(v => !double.IsFinite(v)))
            throw new ModelFileException($"model file '{path}' holds a NaN or infinite weight");
        return model;
    }

    private static string FirstLine(string message) => message.Split('\n', 2)[0].Trim().TrimEnd('.');
}
