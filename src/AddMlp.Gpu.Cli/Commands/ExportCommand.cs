using System.CommandLine;

namespace AddMlp.Gpu.Cli;

/// <summary>`addmlp export`: the model's state dict in a file PyTorch reads (.pt or .safetensors).</summary>
public static class ExportCommand
{
    public static Command Create(CliContext context)
    {
        var model = new ModelSource();
        var output = new Option<string>("--output", "-o") { Description = "The file to write (.pt, .pth or .safetensors)", Required = true, HelpName = "FILE" };
        Option<Choice<PyTorchFormat>?> format = SharedOptions.OptionalChoice<PyTorchFormat>("--format", "pt or safetensors (default: from the output's extension)");
        var command = new Command("export", "Write the model's state dict for PyTorch: torch.load(FILE) or safetensors; names as nn.Sequential gives them (0.weight, 0.bias, ...).\n\nExample: addmlp export -o adder.pt   (then in Python: model.load_state_dict(torch.load('adder.pt')))")
        {
            output, format,
        };
        foreach (Option option in model.Options)
            command.Options.Add(option);
        command.SetAction(parse =>
        {
            string path = parse.GetValue(output)!;
            PyTorchFormat kind = parse.GetValue(format)?.Value ?? PyTorchFiles.FormatOf(path)
                ?? throw new UsageException($"--output '{path}': give it a .pt, .pth or .safetensors extension, or pass --format");
            OutputPath.CheckWritable(path, "--output");
            PathIdentity.CheckDistinct(("--output", path), ("--model", parse.GetValue(model.Path)!));
            ModelDocument doc = model.Load(parse);
            PyTorchFiles.Export(doc, path, kind);
            context.Out.WriteLine($"wrote {path} ({EnumNames<PyTorchFormat>.Of(kind)}: {string.Join(", ", doc.StateDict.Select(p => $"{p.Key} [{string.Join(", ", p.Value.Shape)}]"))})");
            return ExitCodes.Ok;
        });
        return command;
    }
}
