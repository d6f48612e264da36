using System.CommandLine;

namespace AddMlp.Gpu.Cli;

/// <summary>
/// Where `predict`, `eval` and `export` get a model: addmlp's JSON (which describes its own
/// network), or a PyTorch state dict (.pt, .pth, .safetensors), whose network --hidden and
/// --activation describe.
/// </summary>
public sealed class ModelSource
{
    public Option<string> Path { get; } = SharedOptions.ModelPath("The model: addmlp's JSON, or a PyTorch state dict (.pt, .pth, .safetensors)");

    public Option<int[]> Hidden { get; } = SharedOptions.Hidden("For a .pt/.safetensors file: its hidden layer widths (default: none, Linear(2, 1))");

    public Option<Choice<Activation>> Activation { get; } = SharedOptions.Activation("For a .pt/.safetensors file with hidden layers: their activation");

    public IEnumerable<Option> Options => [Path, Hidden, Activation];

    public ModelDocument Load(ParseResult parse)
    {
        string path = parse.GetValue(Path)!;
        int[] hidden = parse.GetValue(Hidden)!;
        if (ModelExport.FormatOf(path) == ExportFormat.Onnx)
            throw new UsageException($"--model '{path}': addmlp reads its own model files (JSON) and PyTorch state dicts (.pt, .pth, .safetensors), not ONNX; give the model file the ONNX was exported from");
        if (!PyTorchFiles.IsStateDict(path))
        {
            if (hidden.Length > 0 || parse.GetResult(Activation) is { Implicit: false })
                throw new UsageException($"--hidden and --activation describe .pt/.safetensors files; '{path}' describes its own network");
            return ModelFile.Load(path);
        }
        return PyTorchFiles.Import(path, Architecture.Adder(hidden, parse.GetValue(Activation).Value));
    }
}
