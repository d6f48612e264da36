using System.Security.Cryptography;

namespace AddMlp.Gpu.Tests;

/// <summary>
/// Every kind of bad input, through the real executable: the documented exit code, one line on
/// stderr naming the problem, no stack trace, and no file created or changed.
/// </summary>
public sealed class BadInputTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    public static TheoryData<string, int, string> Cases => new()
    {
        // train: numbers
        { "train --lr abc", 2, "--lr must be a finite number above 0, got 'abc'" },
        { "train --lr NaN", 2, "--lr must be a finite number above 0, got 'NaN'" },
        { "train --lr Infinity", 2, "--lr must be a finite number above 0, got 'Infinity'" },
        { "train --lr -Infinity", 2, "--lr must be a finite number above 0" },
        { "train --lr 1e400", 2, "--lr must be a finite number above 0, got '1e400'" },
        { "train --lr 0", 2, "--lr must be a finite number above 0, got '0'" },
        { "train --lr -0.1", 2, "--lr must be a finite number above 0, got '-0.1'" },
        { "train --epochs 0", 2, "--epochs must be at least 1, got 0" },
        { "train --epochs -5", 2, "--epochs must be at least 1, got -5" },
        { "train --epochs 1.5", 2, "--epochs must be a whole number, got '1.5'" },
        { "train --epochs 99999999999", 2, "--epochs must be a whole number, got '99999999999'" },
        { "train --epochs", 2, "--epochs" },
        { "train --samples 0", 2, "--samples must be at least 1, got 0" },
        { "train --samples lots", 2, "--samples must be a whole number, got 'lots'" },
        { "train --samples 2000000000", 2, "would need about" },
        { "train --log-every 0", 2, "--log-every must be at least 1, got 0" },
        { "train --seed 1.5", 2, "--seed must be a whole number, got '1.5'" },
        // train: the tutorial's next steps
        { "train --range 5:3", 2, "--range '5:3' is empty: LO must be below HI" },
        { "train --range 0-1", 2, "--range '0-1' is not a range: write LO:HI" },
        { "train --range 0:Infinity", 2, "--range '0:Infinity': both ends must be finite" },
        { "train --hidden 0", 2, "--hidden '0': each width must be a whole number from 1 to 65536" },
        { "train --hidden a,b", 2, "--hidden 'a,b': each width must be a whole number from 1 to 65536" },
        { "train --hidden 16,", 2, "--hidden '16,': each width must be a whole number" },
        { "train --hidden 16 --activation swish", 2, "--activation 'swish' is not one of relu, tanh, gelu" },
        { "train --activation tanh", 2, "--activation applies between hidden layers: give --hidden too" },
        { "train --optimizer rmsprop", 2, "--optimizer 'rmsprop' is not one of adam, adamw, sgd" },
        { "train --momentum 0.9", 2, "--momentum applies to --optimizer sgd, not adam" },
        { "train --optimizer sgd --momentum 1", 2, "--momentum must be a finite number from 0 to below 1, got '1'" },
        { "train --weight-decay -1", 2, "--weight-decay must be a finite number at least 0, got '-1'" },
        { "train --batch-size 0", 2, "--batch-size must be at least 1, got 0" },
        { "train --dtype float16", 2, "--dtype 'float16' is not one of float32, float64" },
        { "train --noise -0.1", 2, "--noise must be a finite number at least 0, got '-0.1'" },
        { "train --noise NaN", 2, "--noise must be a finite number at least 0, got 'NaN'" },
        { "train --target-loss -1", 2, "--target-loss must be a finite number at least 0, got '-1'" },
        { "train --val-fraction 1.5", 2, "--val-fraction must be a finite number from 0 to below 1, got '1.5'" },
        { "train --val-fraction 0.1 --samples 5", 2, "--val-fraction 0.1 of 5 samples holds out none" },
        { "train --threads 0", 2, "--threads must be at least 1, got 0" },
        // train: learning-rate schedules
        { "train --lr-schedule linear", 2, "--lr-schedule 'linear' is not one of constant, step, cosine, onecycle" },
        { "train --lr-schedule step", 2, "--lr-schedule step decays every N epochs: give --lr-step-size N too" },
        { "train --loss hinge", 2, "--loss 'hinge' is not one of mse, l1, smooth_l1, huber" },
        { "train --huber-delta 0.5", 2, "--huber-delta applies to --loss huber or smooth_l1, not mse: give --loss huber too, or drop it" },
        { "train --loss smooth_l1 --huber-delta 0", 2, "--huber-delta must be a finite number above 0, got '0'" },
        { "train --threads 2000", 2, "--threads must be at most 1024, got 2000" },
        { "train --lr-min 0.001", 2, "--lr-min applies to --lr-schedule cosine, not constant: give --lr-schedule cosine too, or drop it" },
        { "train --lr-schedule cosine --lr-gamma 0.5", 2, "--lr-gamma applies to --lr-schedule step, not cosine" },
        { "train --lr-schedule cosine --lr-pct-start 0.2", 2, "--lr-pct-start applies to --lr-schedule onecycle, not cosine" },
        { "train --lr-schedule onecycle --lr-pct-start 1.5", 2, "--lr-pct-start must be a finite number at least 0 and at most 1, got '1.5'" },
        { "train --lr-schedule onecycle --lr-div-factor 0", 2, "--lr-div-factor must be a finite number above 0, got '0'" },
        { "train --lr-schedule onecycle --lr-max-momentum 1", 2, "--lr-max-momentum must be a finite number from 0 to below 1, got '1'" },
        { "train --lr-schedule onecycle --lr-base-momentum 0.9 --lr-max-momentum 0.8", 2, "--lr-base-momentum (0.9) is the momentum at the peak rate and may not exceed --lr-max-momentum (0.8)" },
        { "train --lr-schedule onecycle --optimizer sgd --momentum 0.9", 2, "--lr-schedule onecycle sets sgd's momentum itself" },
        { "train --lr-schedule onecycle --epochs 10 --lr-pct-start 0.1", 2, "--lr-schedule onecycle: a warm-up of pct_start × epochs = 0.1 × 10 = 1 epoch has no length to anneal over; change --lr-pct-start or --epochs" },
        // train: devices
        { "train --device gpu", 2, "--device 'gpu' is not one of auto, cpu, cuda, cuda:N" },
        { "train --device cuda:x", 2, "--device 'cuda:x' is not one of auto, cpu, cuda, cuda:N" },
        // train: output paths
        { "train --model no/such/folder/m.json", 2, "folder" },
        { "train --model .", 2, "--model '.' is a directory" },
        { "train --model /proc/m.json", 2, "--model '/proc/m.json': cannot write in folder '/proc'" },
        { "train --loss-curve .", 2, "--loss-curve '.' is a directory" },
        { "train --loss-curve no/l.json", 2, "--loss-curve 'no/l.json': folder" },
        { "train --model x.json --loss-curve x.json", 2, "--model and --loss-curve both name 'x.json'" },
        { "train --tensorboard empty.json", 2, "--tensorboard 'empty.json' is a file, not a folder; give a folder for the logs" },
        { "train --tensorboard empty.json/runs", 2, "empty.json' is a file, so no folder can be made in it" },
        { "train --tensorboard /proc/runs", 2, "--tensorboard '/proc/runs': cannot write in folder '/proc'" },
        // train: usage
        { "train --bogus", 2, "--bogus" },
        { "train extra", 2, "extra" },
        // predict: numbers
        { "predict", 2, "predict needs pairs of numbers" },
        { "predict 0.3", 2, "predict takes pairs of numbers, got 1" },
        { "predict 0.3 0.5 1", 2, "predict takes pairs of numbers, got 3" },
        { "predict 0.3 abc", 2, "'abc' is not a finite number" },
        { "predict NaN 1", 2, "'NaN' is not a finite number" },
        { "predict Infinity 1", 2, "'Infinity' is not a finite number" },
        { "predict 1e39 1", 2, "'1e39' is beyond float32's range" },
        { "predict 1 2 --device gpu", 2, "--device 'gpu' is not one of auto, cpu, cuda, cuda:N" },
        // predict: model files
        { "predict 1 2 --model missing.json", 2, "model file 'missing.json' not found: run `addmlp train` first" },
        { "predict 1 2 --model .", 2, "model file '.' is a directory" },
        { "predict 1 2 --model empty.json", 2, "model file 'empty.json' is empty" },
        { "predict 1 2 --model text.json", 2, "model file 'text.json' is not a valid addmlp file" },
        { "predict 1 2 --model truncated.json", 2, "model file 'truncated.json' is not a valid addmlp file" },
        { "predict 1 2 --model array.json", 2, "model file 'array.json' is not a valid addmlp file" },
        { "predict 1 2 --model no-state.json", 2, "model file 'no-state.json' is not a valid addmlp file" },
        { "predict 1 2 --model other-format.json", 2, "model file 'other-format.json': format is 'something-else', expected 'addmlp-model'" },
        { "predict 1 2 --model version-9.json", 2, "model file 'version-9.json': version 9 is not supported" },
        { "predict 1 2 --model bad-shape.json", 2, "'0.weight' has shape [2, 1], the architecture needs [1, 2]" },
        { "predict 1 2 --model few-values.json", 2, "'0.weight' has 1 values, its shape needs 2" },
        { "predict 1 2 --model nan.json", 2, "'0.bias' holds a NaN or infinite value" },
        { "predict 1 2 --model extra-tensor.json", 2, "state_dict has '2.weight', which this architecture does not" },
        { "predict 1 2 --model huge-hidden.json", 2, "architecture.hidden must list at most 64 layer widths, each from 1 to 65536" },
        { "predict 1 2 --model three-inputs.json", 2, "architecture has 3 inputs and 1 outputs; an adder has 2 and 1" },
        { "predict 1 2 --model deep.json", 2, "model file 'deep.json' is not a valid addmlp file" },
        { "predict 1 2 --model big.json", 2, "more than the 256 MiB an addmlp file can be" },
        { "predict 3e38 3e38", 2, "the inputs or the model's weights are too large for its dtype" },
        // eval
        { "eval --model missing.json", 2, "model file 'missing.json' not found" },
        { "eval --model nan.json", 2, "'0.bias' holds a NaN or infinite value" },
        { "eval --range 1:1", 2, "--range '1:1' is empty" },
        { "eval --samples 0", 2, "--samples must be at least 1, got 0" },
        { "eval --samples 100000000", 2, "--samples must be at most 10000000, got 100000000" },
        // bench
        { "bench --samples 0", 2, "--samples '0' is not a whole number from 1 to 1e9" },
        { "bench --samples 1.5", 2, "--samples '1.5' is not a whole number from 1 to 1e9" },
        { "bench --samples 1e10", 2, "--samples '1e10' is not a whole number from 1 to 1e9" },
        { "bench --device gpu", 2, "--device 'gpu' is not one of cpu, cuda, cuda:N" },
        { "bench --seconds 0", 2, "--seconds must be a finite number above 0 and at most 60, got '0'" },
        { "bench --threads 0", 2, "--threads must be at least 1, got 0" },
        // plot and export
        { "plot -o loss.jpg", 2, "'loss.jpg': a plot is written as .png or .svg" },
        { "plot --loss-curve missing.json", 2, "loss-curve file 'missing.json' not found" },
        { "train --plot loss.gif", 2, "'loss.gif': a plot is written as .png or .svg" },
        { "export -o adder.bin", 2, "--output 'adder.bin': give it a .pt, .pth, .safetensors or .onnx extension, or pass --format" },
        { "export -o a.pt --format tflite", 2, "--format 'tflite' is not one of pt, safetensors, onnx" },
        { "export", 2, "--output" },
        { "predict 1 2 --model missing.pt", 2, "model file 'missing.pt' not found" },
        { "predict 1 2 --model adder.onnx", 2, "--model 'adder.onnx': addmlp reads its own model files (JSON) and PyTorch state dicts (.pt, .pth, .safetensors), not ONNX" },
        { "export -o adder.onnx --hidden 4", 2, "--hidden and --activation describe .pt/.safetensors files" },
        { "predict 1 2 --model empty.json --hidden 4", 2, "--hidden and --activation describe .pt/.safetensors files" },
        { "predict 1 2 --model text.pt", 2, "model file 'text.pt' does not load as Linear(2, 1)" },
        // what a newcomer types: the fix is in the message
        { "train --lr 0,1", 2, "--lr must be a finite number above 0, got '0,1' (numbers take a decimal point: write 0.1)" },
        { "predict 0,3 0,5", 2, "'0,3' is not a finite number (numbers take a decimal point: write 0.3)" },
        { "train --learning-rate 0.01", 2, "Unrecognized command or argument '--learning-rate'. addmlp calls it '--lr'" },
        { "train --num-epochs 10", 2, "addmlp calls it '--epochs'" },
        { "train --batch_size 32", 2, "addmlp calls it '--batch-size'" },
        { "train --hidden 16 16", 2, "--hidden takes one word, the widths joined by commas: --hidden 16,16" },
        { "train --hidden 8 8 4", 2, "--hidden takes one word, the widths joined by commas: --hidden 8,8,4" },
        { "train --range 0 10", 2, "--range takes one word, LO:HI: --range 0:10" },
        { "train --max-time 1500", 2, "--max-time must be a duration such as 1500ms, 90s, 10m, 2h or 1h30m (units ms, s, m, h, d)" },
        { "train --max-time 20000000d", 2, "--max-time must be a duration such as 1500ms, 90s, 10m, 2h or 1h30m (units ms, s, m, h, d), above 0 and at most 24 days, got '20000000d'" },
        { "train --max-time 999999999d", 2, "at most 24 days, got '999999999d'" },
        { "train --max-time 99999999999999999999999h", 2, "at most 24 days" },
        // a run whose files no command could read back is refused before it starts
        { "train --hidden 4096,4096", 2, "hidden 4096,4096 relu has 16,797,697 parameters: its model file would take 480 MiB, more than the 256 MiB addmlp reads back; use fewer or narrower --hidden layers" },
        { "train --hidden 65536,65536", 2, "hidden 65536,65536 relu has 4,295,294,977 parameters: its model file would take" },
        // config files are checked as the command line is
        { "train --config flat.json", 2, "--config 'flat.json': lr belongs under \"training\": write {\"training\": {\"lr\": 0.01}}" },
        { "train --config flat-hidden.json", 2, "--config 'flat-hidden.json': hidden belongs under \"architecture\": write {\"architecture\": {\"hidden\": [16, 16]}}" },
        { "train --config null-training.json", 2, "--config 'null-training.json': training is null, expected an object" },
        { "train --config format-5.json", 2, "--config 'format-5.json': format is 5, not \"addmlp-config\" or \"addmlp-model\"" },
        { "train --config version-x.json", 2, "--config 'version-x.json': version is \"x\"; this addmlp reads addmlp-config version 1" },
        { "train --config lr-min-constant.json", 2, "--config 'lr-min-constant.json': training.lr_min applies to lr_schedule cosine, not constant" },
        { "train --config step-size-cosine.json", 2, "--config 'step-size-cosine.json': training.lr_step_size applies to lr_schedule step, not cosine" },
        { "train --config sgd-momentum-adam.json", 2, "--config 'sgd-momentum-adam.json': training.momentum applies to optimizer sgd, not adam" },
        // the command itself
        { "", 2, "no command given" },
        { "fly", 2, "fly" },
        { "info --bogus", 2, "--bogus" },
    };

    /// <summary>Asking for CUDA where this build cannot have it (the CPU backend scripts/test builds).</summary>
    public static TheoryData<string, int, string> CasesWithoutCuda => new()
    {
        { "train --device cuda", 3, "--device cuda: CUDA is unavailable: this build uses the CPU-only libtorch" },
        { "train --device cuda:0", 3, "--device cuda:0: CUDA is unavailable" },
        { "train --device cuda:7", 3, "--device cuda:7: CUDA is unavailable" },
        { "predict 1 2 --device cuda", 3, "--device cuda: CUDA is unavailable" },
        { "bench --device cuda", 3, "--device cuda: CUDA is unavailable" },
    };

    [WithoutCudaTheory]
    [MemberData(nameof(CasesWithoutCuda))]
    public void A_CUDA_request_without_CUDA_gets_exit_3_one_line_and_changes_no_file(string commandLine, int exitCode, string message) =>
        Bad_input_gets_its_exit_code_one_line_and_changes_no_file(commandLine, exitCode, message);

    [Theory]
    [MemberData(nameof(Cases))]
    public void Bad_input_gets_its_exit_code_one_line_and_changes_no_file(string commandLine, int exitCode, string message)
    {
        WriteInputFiles();
        Dictionary<string, string> before = Snapshot();

        CliResult result = Cli.Run(_dir.Path, commandLine.Split(' ', StringSplitOptions.RemoveEmptyEntries));

        Assert.True(result.ExitCode == exitCode, result.ToString());
        Assertions.OneLineError(result);
        Assert.Contains(message, result.StdErr);
        Assert.Equal("", result.StdOut);
        Assert.Equal(before, Snapshot());
    }

    [Fact]
    public void Predict_with_more_pairs_than_a_command_line_takes_says_the_limit()
    {
        Models.WriteExactAdder(_dir.File("addmlp-model.json"));
        string[] args = ["predict", .. Enumerable.Repeat("0.25", 100_002)];

        CliResult result = Cli.Run(_dir.Path, args);

        Assert.Equal(2, result.ExitCode);
        Assertions.OneLineError(result);
        Assert.Contains("predict takes at most 50,000 pairs on its command line, got 100,002 numbers", result.StdErr);
        Assert.Equal(50_000, Cli.Run(_dir.Path, args[..100_001]).StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length); // the limit itself is taken
    }

    [Fact]
    public void A_duration_in_milliseconds_is_taken()
    {
        CliResult result = Cli.Run(_dir.Path, "train", "--quiet", "--max-time", "1500ms", "--epochs", "3");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.True(File.Exists(_dir.File("addmlp-model.json")));
    }

    [Fact]
    public void The_table_covers_at_least_40_cases() => Assert.True(Cases.Count >= 40, $"{Cases.Count} cases");

    /// <summary>A valid model and loss curve where train would write, and broken model files to feed predict.</summary>
    private void WriteInputFiles()
    {
        string valid = Models.WriteExactAdder(_dir.File("addmlp-model.json"));
        LossCurveFile.Save(_dir.File("addmlp-loss.json"), new LossCurveDocument { Device = "cpu", Status = TrainStatus.Completed, EpochsRun = 1, Loss = [1f] });

        void Write(string name, string text) => File.WriteAllText(_dir.File(name), text);
        Write("empty.json", "");
        Write("text.pt", "this is not a zip archive");
        Write("text.json", "this is not JSON");
        Write("truncated.json", valid[..(valid.Length / 2)]);
        Write("array.json", "[1, 2, 3]");
        Write("no-state.json", """{ "format": "addmlp-model", "version": 1, "architecture": { "inputs": 2, "hidden": [], "activation": null, "outputs": 1 } }""");
        Write("other-format.json", valid.Replace("\"addmlp-model\"", "\"something-else\""));
        Write("version-9.json", valid.Replace($"\"version\": {ModelDocument.CurrentVersion}", "\"version\": 9"));
        Write("bad-shape.json", valid.Replace("\"shape\": [1, 2]", "\"shape\": [2, 1]"));
        Write("few-values.json", valid.Replace("\"values\": [1, 1]", "\"values\": [1]"));
        Write("nan.json", valid.Replace("\"values\": [0]", "\"values\": [\"NaN\"]"));
        Write("extra-tensor.json", valid.Replace("\"0.bias\":", "\"2.weight\": { \"shape\": [1], \"values\": [1] }, \"0.bias\":"));
        Write("huge-hidden.json", valid.Replace("\"hidden\": []", "\"hidden\": [100000000]"));
        Write("three-inputs.json", valid.Replace("\"inputs\": 2", "\"inputs\": 3"));
        Write("deep.json", new string('[', 100_000) + new string(']', 100_000));
        Write("flat.json", """{ "lr": 0.01 }""");
        Write("flat-hidden.json", """{ "hidden": [16, 16] }""");
        Write("null-training.json", """{ "training": null }""");
        Write("format-5.json", """{ "format": 5 }""");
        Write("version-x.json", """{ "version": "x" }""");
        Write("lr-min-constant.json", """{ "training": { "lr_min": 0.5 } }""");
        Write("step-size-cosine.json", """{ "training": { "lr_schedule": "cosine", "lr_step_size": 10 } }""");
        Write("sgd-momentum-adam.json", """{ "training": { "momentum": 0.9 } }""");
        using (var big = File.Create(_dir.File("big.json")))
            big.SetLength(257L << 20); // sparse: costs no disk
    }

    /// <summary>
    /// Every file's content hash, size and modification time. (Hashing the sparse 65 MiB file twice per
    /// case took most of this class's time; size and time show a write to it just as well.)
    /// </summary>
    private Dictionary<string, string> Snapshot() =>
        Directory.GetFiles(_dir.Path, "*", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(_dir.Path, f), f =>
            {
                var info = new FileInfo(f);
                string content = info.Length <= 1 << 20 ? Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f))) : "";
                return $"{info.Length} {info.LastWriteTimeUtc.Ticks} {content}";
            });
}
