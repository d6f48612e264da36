namespace AddMlp.Gpu;

/// <summary>The files `export` writes for other tools (written "pt", "safetensors", "onnx").</summary>
public enum ExportFormat
{
    /// <summary>torch.save's zip pickle of the state dict: .pt or .pth (<see cref="PyTorchFiles"/>).</summary>
    Pt,

    /// <summary>The state dict as .safetensors (<see cref="PyTorchFiles"/>).</summary>
    Safetensors,

    /// <summary>The whole network as an ONNX model: .onnx (<see cref="OnnxFile"/>).</summary>
    Onnx,
}

/// <summary>A model in another tool's file: PyTorch's state dicts, or an ONNX model that runs with no libtorch at all.</summary>
public static class ModelExport
{
    /// <summary>The format a path's extension names (.pt, .pth, .safetensors, .onnx), or null for any other.</summary>
    public static ExportFormat? FormatOf(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".pt" or ".pth" => ExportFormat.Pt,
        ".safetensors" => ExportFormat.Safetensors,
        ".onnx" => ExportFormat.Onnx,
        _ => null,
    };

    /// <summary>
    /// Writes <paramref name="model"/> to <paramref name="path"/> in <paramref name="format"/>, atomically (a
    /// temporary file, then a rename); cancelled before the rename, it writes nothing and throws <see cref="OperationCanceledException"/>.
    /// </summary>
    public static void Write(ModelDocument model, string path, ExportFormat format, CancellationToken cancellation = default)
    {
        if (format == ExportFormat.Onnx)
            OnnxFile.Export(model, path, cancellation);
        else
            PyTorchFiles.Export(model, path, format, cancellation);
    }
}
