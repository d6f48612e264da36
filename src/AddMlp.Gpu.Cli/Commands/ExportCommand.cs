using System.CommandLine;

namespace AddMlp.Gpu.Cli;

/// <summary>`addmlp export`: the model for other tools: its state dict for PyTorch (.pt, .safetensors), or the network as ONNX (.onnx).</summary>
public static class ExportCommand
{
    public static Command Create(CliContext context)
    {
        var model = new ModelSource();
        var output = new Option<string>("--output", "-o") { Description = "The file to write (.pt, .pth, .safetensors or .onnx)", Required = true, HelpName = "FILE" };
        Option<Choice<ExportFormat>?> format = SharedOptions.OptionalChoice<ExportFormat>("--format", "pt, safetensors or onnx (default: from the output's extension)");
        var command = new Command("export", "Write the model for other tools: its state dict for PyTorch (torch.load(FILE) or safetensors; names as nn.Sequential gives them: 0.weight, 0.bias, ...), or the network as ONNX for ONNX Runtime.\n\nExample: addmlp export -o adder.pt   (then in Python: model.load_state_dict(torch.load('adder.pt')))\n         addmlp export -o adder.onnx (input x [batch, 2], output sum [batch, 1], float32)")
        {
            output, format,
        };
        foreach (Option option in model.Options)
            command.Options.Add(option);
        command.SetAction(parse =>
        {
            string path = parse.GetValue(output)!;
            ExportFormat kind = parse.GetValue(format)?.Value ?? ModelExport.FormatOf(path)
                ?? throw new UsageException($"--output '{path}': give it a .pt, .pth, .safetensors or .onnx extension, or pass --format");
            OutputPath.CheckWritable(path, "--output");
            PathIdentity.CheckDistinct(("--output", path), ("--model", parse.GetValue(model.Path)!));
            ModelDocument doc = model.Load(parse);
            ModelExport.Write(doc, path, kind, context.Interrupt);
            string tensors = string.Join(", ", doc.StateDict.Select(p => $"{p.Key} [{string.Join(", ", p.Value.Shape)}]"));
            string what = kind == ExportFormat.Onnx
                ? $"onnx opset {OnnxFile.Opset}: {OnnxFile.Input} [{OnnxFile.BatchDimension}, 2] -> {OnnxFile.Output} [{OnnxFile.BatchDimension}, 1], float32{(doc.Dtype == DType.Float32 ? "" : " (the float64 weights rounded)")}; {tensors}"
                : $"{EnumNames<ExportFormat>.Of(kind)}: {tensors}";
            context.Out.WriteLine($"wrote {path} ({what})");
            return ExitCodes.Ok;
        });
        return command;
    }
}
