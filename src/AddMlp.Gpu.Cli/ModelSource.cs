using System.CommandLine;
using AddMlp.Gpu;

namespace AddMlp.Gpu.Cli;

/// <summary>
/// Where `predict`, `eval` and `export` get a model: addmlp's JSON (which describes its own
/// network), or a PyTorch state dict (.pt, .pth, .safetensors), whose network --hidden and
/// --activation describe.
/// </summary>
public sealed class ModelSource
{
    public Option<string> Path { get; } = CommonOptions.ModelPath("The model: addmlp's JSON, or a PyTorch state dict (.pt, .pth, .safetensors)");

    public Option<int[]> Hidden { get; } = new("--hidden")
    {
        Description = "For a .pt/.safetensors file: its hidden layer widths (default: none, Linear(2, 1))",
        DefaultValueFactory = _ => [],
        HelpName = "W1,W2,...",
        CustomParser = TrainCommand.ParseHidden,
    };

    public Option<string> Activation { get; } = CommonOptions.OneOf("--activation", "relu", Architecture.Activations, "For a .pt/.safetensors file with hidden layers: their activation");

    public IEnumerable<Option> Options => [Path, Hidden, Activation];

    public ModelDocument Load(ParseResult parse)
    {
        string path = parse.GetValue(Path)!;
        int[] hidden = parse.GetValue(Hidden)!;
        if (PyTorchFiles.FormatOf(path) is null)
        {
            if (hidden.Length > 0 || parse.GetResult(Activation) is { Implicit: false })
                throw new UsageException($"--hidden and --activation describe .pt/.safetensors files; '{path}' describes its own network");
            return ModelFile.Load(path);
        }
        var architecture = hidden.Length == 0 ? Architecture.Linear : new Architecture(2, hidden, parse.GetValue(Activation), 1);
        return PyTorchFiles.Import(path, architecture);
    }
}
