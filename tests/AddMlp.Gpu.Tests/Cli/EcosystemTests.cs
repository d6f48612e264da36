using System.Globalization;
using System.Text.Json;
using System.Xml.Linq;

namespace AddMlp.Gpu.Tests;

/// <summary>Plots, PyTorch state-dict files, and the JSON summary: what other tools consume.</summary>
public sealed class EcosystemTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Plot_writes_a_valid_png_and_svg_of_the_documented_size()
    {
        Assert.Equal(0, Cli.Run(_dir.Path, "train", "--quiet", "--val-fraction", "--epochs", "80").ExitCode);

        CliResult png = Cli.Run(_dir.Path, "plot");
        CliResult svg = Cli.Run(_dir.Path, "plot", "-o", "loss.svg");

        Assert.Equal(0, png.ExitCode);
        Assert.Equal(0, svg.ExitCode);
        byte[] image = File.ReadAllBytes(_dir.File("addmlp-loss.png"));
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A }, image[..8]);
        Assert.Equal(900, System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(image.AsSpan(16)));  // IHDR width
        Assert.Equal(540, System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(image.AsSpan(20)));  // IHDR height
        Assert.True(image.Length > 10_000, $"a {image.Length}-byte PNG is too small to hold the curve");
        XElement root = XDocument.Load(_dir.File("loss.svg")).Root!;
        Assert.Equal("svg", root.Name.LocalName);
        Assert.Equal("900", root.Attribute("width")!.Value);
        Assert.Equal("540", root.Attribute("height")!.Value);
        string text = File.ReadAllText(_dir.File("loss.svg"));
        Assert.Contains("val_loss", text);
        Assert.Contains("completed after 80 epochs", text);
        Assert.Contains("Linear(2, 1), adam lr 0.1, 1000 samples (100 held out), seed 42", text); // the title names the architecture and the split
        Assert.DoesNotMatch(@">\s*lr\s*</text>", text); // no schedule, no lr axis
    }

    [Fact]
    public void A_scheduled_runs_plot_draws_the_learning_rate_on_a_second_axis()
    {
        Assert.Equal(0, Cli.Run(_dir.Path, "train", "--quiet", "--lr-schedule", "cosine", "--hidden", "8", "--epochs", "60", "--plot", "run.svg").ExitCode);

        string text = File.ReadAllText(_dir.File("run.svg"));
        Assert.Equal(2, System.Text.RegularExpressions.Regex.Count(text, @">\s*lr\s*</text>")); // the legend entry and the right axis's label
        Assert.Contains("hidden 8 relu, adam lr 0.1 cosine", text);
    }

    [Fact]
    public void Train_plot_draws_the_curve_at_the_end()
    {
        CliResult train = Cli.Run(_dir.Path, "train", "--epochs", "30", "--plot", "run.svg");

        Assert.Equal(0, train.ExitCode);
        Assert.Contains("wrote:      addmlp-model.json, addmlp-loss.json, run.svg", train.StdOut);
        Assert.Equal("svg", XDocument.Load(_dir.File("run.svg")).Root!.Name.LocalName);
    }

    [Fact]
    public void Train_json_prints_the_summary_as_json_on_stdout()
    {
        CliResult train = Cli.Run(_dir.Path, "train", "--json", "--epochs", "60");

        Assert.Equal(0, train.ExitCode);
        using JsonDocument json = JsonDocument.Parse(train.StdOut);
        JsonElement r = json.RootElement;
        Assert.Equal(60, r.GetProperty("training").GetProperty("epochs_run").GetInt32());
        Assert.Equal("completed", r.GetProperty("training").GetProperty("status").GetString());
        Assert.Equal(2, r.GetProperty("learned").GetProperty("weight").GetArrayLength());
        Assert.StartsWith("y = ", r.GetProperty("learned").GetProperty("formula").GetString());
        Assert.Equal("addmlp-model.json", r.GetProperty("files").GetProperty("model").GetString());
        Assert.StartsWith("Epoch: 1     loss: 1.198e+00", train.StdErr);
    }

    [Fact]
    public void On_a_terminal_training_shows_a_live_progress_bar_instead_of_lines()
    {
        // `script` runs addmlp on a pseudo-terminal, as a user's shell would.
        string command = string.Join(' ', Cli.Command.Select(part => $"'{part}'")) + " train --epochs 3000";
        var start = new System.Diagnostics.ProcessStartInfo("script", ["-qfec", command, "/dev/null"])
        {
            WorkingDirectory = _dir.Path,
            RedirectStandardOutput = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        using var process = System.Diagnostics.Process.Start(start)!;
        string screen = process.StandardOutput.ReadToEnd();
        process.WaitForExit();

        Assert.Equal(0, process.ExitCode);
        Assert.Matches(@"\r\u001b\[K\[#*-*\] epoch \d+/3000  loss \d\.\d{3}e[-+]\d{2}  \d+ epochs/s  (\d\d:\d\d:\d\d|--:--:--) left", screen);
        Assert.DoesNotContain("Epoch: 1     loss:", screen);
        Assert.Contains("final loss:", screen);
    }

    [Theory]
    [InlineData("adder.pt", new string[0])]
    [InlineData("adder.safetensors", new string[0])]
    [InlineData("hidden.pt", new[] { "--hidden", "8,4", "--activation", "tanh" })]
    [InlineData("hidden.safetensors", new[] { "--hidden", "8,4", "--activation", "tanh" })]
    public void Exported_state_dicts_predict_exactly_what_the_json_model_does(string file, string[] architecture)
    {
        string[] trainArgs = architecture.Length == 0 ? ["train", "--quiet", "--epochs", "100"] : ["train", "--quiet", "--epochs", "100", .. architecture];
        Assert.Equal(0, Cli.Run(_dir.Path, trainArgs).ExitCode);

        CliResult export = Cli.Run(_dir.Path, "export", "-o", file);
        CliResult fromJson = Cli.Run(_dir.Path, "predict", "0.3", "0.5", "-7", "2.5");
        CliResult fromExport = Cli.Run(_dir.Path, ["predict", "0.3", "0.5", "-7", "2.5", "--model", file, .. architecture]);

        Assert.True(export.ExitCode == 0, export.ToString());
        Assert.StartsWith($"wrote {file} (", export.StdOut);
        Assert.Contains("0.weight [", export.StdOut);
        Assert.True(fromExport.ExitCode == 0, fromExport.ToString());
        Assert.Equal(fromJson.StdOut, fromExport.StdOut);
        Assert.Equal(2, fromExport.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Theory]
    [InlineData("adder.onnx", new string[0])]
    [InlineData("adder.bin", new[] { "--format", "onnx" })]
    public void Export_writes_an_ONNX_model_that_ONNX_Runtime_adds_with_as_predict_does(string file, string[] format)
    {
        Assert.Equal(0, Cli.Run(_dir.Path, "train", "--quiet").ExitCode);

        CliResult export = Cli.Run(_dir.Path, ["export", "-o", file, .. format]);
        CliResult predict = Cli.Run(_dir.Path, "predict", "0.3", "0.5", "2", "3", "-7", "2.5");

        Assert.True(export.ExitCode == 0, export.ToString());
        Assert.Equal($"wrote {file} (onnx opset 17: x [batch, 2] -> sum [batch, 1], float32; 0.weight [1, 2], 0.bias [1])\n", export.StdOut);
        using var session = new Microsoft.ML.OnnxRuntime.InferenceSession(_dir.File(file));
        var x = new Microsoft.ML.OnnxRuntime.Tensors.DenseTensor<float>(new[] { 0.3f, 0.5f, 2f, 3f, -7f, 2.5f }, [3, 2]);
        using var results = session.Run([Microsoft.ML.OnnxRuntime.NamedOnnxValue.CreateFromTensor("x", x)]);
        float[] sums = [.. results.Single().AsEnumerable<float>()];
        Assert.Equal(predict.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => float.Parse(line, CultureInfo.InvariantCulture)), sums);
        Assert.Equal(0.8f, sums[0], 1e-4f);
    }

    [Fact]
    public void A_state_dict_that_does_not_fit_the_architecture_is_refused_with_the_fix()
    {
        Assert.Equal(0, Cli.Run(_dir.Path, "train", "--quiet", "--epochs", "5", "--hidden", "8").ExitCode);
        Assert.Equal(0, Cli.Run(_dir.Path, "export", "-o", "h.pt").ExitCode);

        CliResult result = Cli.Run(_dir.Path, "predict", "1", "2", "--model", "h.pt");

        Assert.Equal(2, result.ExitCode);
        Assertions.OneLineError(result);
        Assert.Contains("model file 'h.pt' does not load as Linear(2, 1)", result.StdErr);
        Assert.Contains("pass --hidden", result.StdErr);
    }

    [Fact]
    public void Eval_reads_a_safetensors_file()
    {
        Assert.Equal(0, Cli.Run(_dir.Path, "train", "--quiet").ExitCode);
        Assert.Equal(0, Cli.Run(_dir.Path, "export", "-o", "a.safetensors").ExitCode);

        CliResult eval = Cli.Run(_dir.Path, "eval", "--model", "a.safetensors");

        Assert.Equal(0, eval.ExitCode);
        Assert.Contains("verdict: the exact rule y = a + b", eval.StdOut);
    }
}
