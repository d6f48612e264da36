using TorchSharp.Modules;
using TorchSharp.PyBridge;

namespace AddMlp.Gpu;

/// <summary>
/// State dicts in PyTorch's own files, through TorchSharp.PyBridge. Names are PyTorch's ("0.weight",
/// "0.bias", ...), so <c>Sequential(Linear(2, 1)).load_state_dict(torch.load(path))</c> reads an export,
/// and a state dict saved by PyTorch loads here. These files carry no architecture: the caller supplies it.
/// </summary>
public static class PyTorchFiles
{
    /// <summary>Whether the path's extension names a state dict (.pt, .pth, .safetensors), which <see cref="Import"/> reads.</summary>
    public static bool IsStateDict(string path) => ModelExport.FormatOf(path) is ExportFormat.Pt or ExportFormat.Safetensors;

    /// <summary>Writes the model's state dict as <see cref="ExportFormat.Pt"/> or <see cref="ExportFormat.Safetensors"/>, atomically (temporary file, then rename).</summary>
    public static void Export(ModelDocument model, string path, ExportFormat format, CancellationToken cancellation = default)
    {
        if (format is not (ExportFormat.Pt or ExportFormat.Safetensors))
            throw new ArgumentOutOfRangeException(nameof(format), format, "a state dict is written as pt or safetensors");
        NativeRuntime.EnsureLoaded();
        using Sequential net = AdderNet.FromStateDict(model.Architecture, model.StateDict, model.Dtype);
        OutputFiles.Write(path, temp =>
        {
            if (format == ExportFormat.Pt)
                net.save_py(temp);
            else
                net.save_safetensors(temp);
        }, cancellation: cancellation);
    }

    /// <summary>
    /// Reads a state dict saved by PyTorch (or exported here) into a network of the given architecture.
    /// Throws <see cref="ModelFileException"/> when the file is missing, unreadable, or does not fit.
    /// </summary>
    public static ModelDocument Import(string path, Architecture architecture)
    {
        if (!IsStateDict(path))
            throw new ArgumentException($"'{path}' is not named as a state dict (.pt, .pth, .safetensors)", nameof(path));
        ExportFormat format = ModelExport.FormatOf(path)!.Value;
        string kind = JsonFile.Describe(AddMlpFile.Model);
        long parameterBytes = architecture.ParameterCount * sizeof(double);
        // The file is read whole by PyBridge: it must be a regular file no larger than its tensors and some framing.
        JsonFile.CheckInput(AddMlpFile.Model, path);
        long size = new FileInfo(path).Length;
        long maxSize = parameterBytes + (1L << 20);
        if (size > maxSize)
            throw new ModelFileException(AddMlpFile.Model, FileProblem.DoesNotFitArchitecture, path,
                $"{kind} '{path}' is {size:N0} bytes, more than a state dict of {architecture} can be ({maxSize:N0})");
        if (3 * parameterBytes > MemoryEstimate.AvailableBytes())
            throw new ModelFileException(AddMlpFile.Model, FileProblem.DoesNotFitArchitecture, path,
                $"{kind} '{path}': a network of {architecture} would need about {3 * parameterBytes:N0} bytes, more than this machine has available");
        if (format == ExportFormat.Safetensors && SafetensorsHeader.Problem(path) is string problem)
            throw new ModelFileException(AddMlpFile.Model, FileProblem.Invalid, path, $"{kind} '{path}' is not a valid safetensors file: {problem}");
        NativeRuntime.EnsureLoaded();
        using Sequential net = AdderNet.Create(architecture);
        try
        {
            if (format == ExportFormat.Pt)
                net.load_py(path);
            else
                net.load_safetensors(path);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new ModelFileException(AddMlpFile.Model, FileProblem.DoesNotFitArchitecture, path,
                $"{kind} '{path}' does not load as {architecture}: {FirstLine(e.Message)}", e);
        }
        var model = new ModelDocument { Architecture = architecture, StateDict = AdderNet.StateDict(net) };
        if (model.StateDict.Values.SelectMany(t => t.Values).Any(v => !double.IsFinite(v)))
            throw new ModelFileException(AddMlpFile.Model, FileProblem.Invalid, path, $"{kind} '{path}' holds a NaN or infinite weight");
        return model;
    }

    private static string FirstLine(string message) => message.Split('\n', 2)[0].Trim().TrimEnd('.');
}
