using System.Diagnostics;

namespace AddMlp.Gpu.Tests;

/// <summary>
/// Inputs an attacker would try, through the real executable: special files, symlinks and hard links,
/// two spellings of one file, response files, hostile names, values beyond float32, malformed PyTorch
/// files. Each case states its exit code and a piece of its one stderr line; no case may leave a stack
/// trace, a raw control character, or any file, link, FIFO or mode changed.
/// </summary>
public sealed class AdversarialTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <param name="Setup">bash run in the folder first (beside a valid addmlp-model.json and addmlp-loss.json).</param>
    /// <param name="Args">addmlp's arguments.</param>
    /// <param name="Exit">The exit code.</param>
    /// <param name="Expected">A piece of the stderr line (or of stdout, for a run that succeeds).</param>
    /// <param name="Absent">A piece that must not be printed.</param>
    public sealed record Attack(string Setup, string[] Args, int Exit, string Expected, string? Absent = null);

    private static readonly string LongName = new string('n', 300) + ".json";

    /// <summary>A .safetensors file for Linear(2, 1) with this header for "0.weight" (the bias is sound), and this many data bytes.</summary>
    private static string Safetensors(string file, string weight, int dataBytes = 12, string? header = null) =>
        "/usr/bin/python3 -c \"import json,struct,sys; "
        + $"h = {header ?? $"json.dumps({{'0.weight': {weight}, '0.bias': {{'dtype': 'F32', 'shape': [1], 'data_offsets': [8, 12]}}}})"}; "
        + $"open('{file}', 'wb').write(struct.pack('<Q', len(h)) + h.encode() + bytes({dataBytes}))\"";

    public static readonly Dictionary<string, Attack> Attacks = new()
    {
        // one file under two names
        ["model and curve through a symlinked folder"] = new("mkdir real && ln -s real sym", ["train", "--model", "sym/x.json", "--loss-curve", "real/x.json"], 2, "--model and --loss-curve both name 'sym/x.json'"),
        ["model and curve as ./x and x"] = new("", ["train", "--model", "./a.json", "--loss-curve", "a.json"], 2, "--model and --loss-curve both name"),
        ["model and curve as hard links"] = new("ln addmlp-model.json hard.json", ["train", "--loss-curve", "hard.json"], 2, "--model and --loss-curve both name 'addmlp-model.json' (as 'hard.json')"),
        ["loss curve and plot as one file"] = new("", ["train", "--loss-curve", "c.png", "--plot", "c.png"], 2, "--loss-curve and --plot both name 'c.png'"),
        ["model and plot through a symlink"] = new("ln -s addmlp-model.json m.svg", ["train", "--plot", "m.svg"], 2, "--model and --plot both name"),
        ["export over its own input"] = new("", ["export", "--model", "addmlp-model.json", "-o", "addmlp-model.json", "--format", "pt"], 2, "--output and --model both name"),
        ["plot over its own curve"] = new("cp addmlp-loss.json c.svg", ["plot", "--loss-curve", "c.svg", "-o", "c.svg"], 2, "--output and --loss-curve both name 'c.svg'"),
        ["plot over the model it reads"] = new("cp addmlp-model.json m.png", ["plot", "-o", "m.png", "--model", "m.png"], 2, "--output and --model both name 'm.png'"),
        // outputs that are not regular files
        // A device node of its own (like /dev/null) where the test may make one: a build with this bug must not get to replace the machine's /dev/null.
        ["model is a character device"] = new("mknod null c 1 3 2>/dev/null || ln -s /dev/null null", ["train", "--model", "null"], 2, "'null' is a character device"),
        ["model is a FIFO"] = new("mkfifo fifo", ["train", "--model", "fifo"], 2, "'fifo' is a FIFO"),
        ["loss curve is a FIFO"] = new("mkfifo fifo", ["train", "--loss-curve", "fifo"], 2, "'fifo' is a FIFO"),
        ["plot is a FIFO"] = new("mkfifo fifo.png", ["train", "--plot", "fifo.png"], 2, "'fifo.png' is a FIFO"),
        ["export output is a FIFO"] = new("mkfifo fifo.pt", ["export", "-o", "fifo.pt"], 2, "'fifo.pt' is a FIFO"),
        ["plot output links to a device"] = new("ln -s /dev/null dev.png", ["plot", "-o", "dev.png"], 2, "'dev.png' is a character device"),
        ["model is dir/. (no such folder)"] = new("", ["train", "--model", "dir/."], 2, "--model 'dir/.' is a directory"),
        ["model is dir/."] = new("mkdir dir", ["train", "--model", "dir/."], 2, "--model 'dir/.' is a directory"),
        ["model is dir/"] = new("mkdir dir", ["train", "--model", "dir/"], 2, "--model 'dir/' is a directory"),
        ["model name too long"] = new("", ["train", "--model", LongName], 2, "longer than the 255 bytes"),
        ["model path with a newline"] = new("", ["train", "--model", "a\nb/x.json"], 2, "'a\\nb/x.json'"),
        ["model path with a terminal escape"] = new("", ["train", "--model", "\u001b[31mred/x.json"], 2, "\\x1B[31mred"),
        ["model path of 100,000 characters"] = new("", ["train", "--model", new string('p', 100_000) + "/x.json"], 2, "..."),
        ["a model file whose format is a megabyte long"] = new("/usr/bin/python3 -c \"import json; d = json.load(open('addmlp-model.json')); d['format'] = 'x' * 1000000; json.dump(d, open('long.json', 'w'))\"", ["predict", "1", "2", "--model", "long.json"], 2, "format is 'xxxxxxxx"),
        // inputs that are not regular files
        ["predict from /dev/zero"] = new("", ["predict", "1", "2", "--model", "/dev/zero"], 2, "model file '/dev/zero' is a character device"),
        ["predict from /dev/urandom"] = new("", ["predict", "1", "2", "--model", "/dev/urandom"], 2, "is a character device"),
        ["predict from a FIFO"] = new("mkfifo fifo", ["predict", "1", "2", "--model", "fifo"], 2, "model file 'fifo' is a FIFO"),
        ["predict through a link to a FIFO"] = new("mkfifo fifo && ln -s fifo link.json", ["predict", "1", "2", "--model", "link.json"], 2, "is a FIFO"),
        ["predict from a FIFO named .safetensors"] = new("mkfifo f.safetensors", ["predict", "1", "2", "--model", "f.safetensors"], 2, "is a FIFO"),
        ["predict from a folder named .pt"] = new("mkdir d.pt", ["predict", "1", "2", "--model", "d.pt"], 2, "is a directory"),
        ["eval from a FIFO"] = new("mkfifo fifo", ["eval", "--model", "fifo"], 2, "is a FIFO"),
        ["plot from a FIFO"] = new("mkfifo fifo", ["plot", "--loss-curve", "fifo"], 2, "loss-curve file 'fifo' is a FIFO"),
        // response files are not expanded
        ["predict @."] = new("", ["predict", "@.", "1"], 2, "'@.' is not a finite number"),
        ["a response file naming itself"] = new("printf '@self' > self", ["predict", "@self", "1"], 2, "'@self' is not a finite number"),
        ["predict @/dev/zero"] = new("", ["predict", "@/dev/zero", "1"], 2, "'@/dev/zero' is not a finite number"),
        ["train @options"] = new("printf -- '--epochs\\n5\\n' > options", ["train", "@options"], 2, "@options"),
        // values float32 cannot hold
        ["--lr beyond float32"] = new("", ["train", "--lr", "3.5e38"], 2, "--lr must be within float32's range"),
        ["--weight-decay beyond float32"] = new("", ["train", "--weight-decay", "3.5e38"], 2, "--weight-decay must be within float32's range"),
        ["--noise beyond float32"] = new("", ["train", "--noise", "1e39"], 2, "--noise must be within float32's range"),
        ["--target-loss beyond float32"] = new("", ["train", "--target-loss", "1e39"], 2, "--target-loss must be within float32's range"),
        // malformed PyTorch files
        ["safetensors with a negative offset"] = new(Safetensors("m.safetensors", "{'dtype': 'F32', 'shape': [1, 2], 'data_offsets': [-8, 0]}"), ["predict", "1", "2", "--model", "m.safetensors"], 2, "not a valid safetensors file", "--hidden"),
        ["safetensors with overlapping tensors"] = new(Safetensors("m.safetensors", "{'dtype': 'F32', 'shape': [1, 2], 'data_offsets': [4, 12]}"), ["predict", "1", "2", "--model", "m.safetensors"], 2, "overlap", "--hidden"),
        ["safetensors with offsets past the data"] = new(Safetensors("m.safetensors", "{'dtype': 'F32', 'shape': [1, 2], 'data_offsets': [12, 20]}"), ["predict", "1", "2", "--model", "m.safetensors"], 2, "outside the 12 bytes of data", "--hidden"),
        ["safetensors whose shape and bytes disagree"] = new(Safetensors("m.safetensors", "{'dtype': 'F32', 'shape': [1, 2], 'data_offsets': [0, 4]}"), ["predict", "1", "2", "--model", "m.safetensors"], 2, "need 8 bytes", "--hidden"),
        ["safetensors with an unknown dtype"] = new(Safetensors("m.safetensors", "{'dtype': 'X9', 'shape': [1, 2], 'data_offsets': [0, 8]}"), ["predict", "1", "2", "--model", "m.safetensors"], 2, "dtype 'X9'", "--hidden"),
        ["safetensors header that is not JSON"] = new(Safetensors("m.safetensors", "", header: "'{not json'"), ["predict", "1", "2", "--model", "m.safetensors"], 2, "header is not JSON", "Path: $"),
        ["safetensors header length of a terabyte"] = new("/usr/bin/python3 -c \"import struct; open('m.safetensors','wb').write(struct.pack('<Q', 1 << 40) + b'{}')\"", ["predict", "1", "2", "--model", "m.safetensors"], 2, "header length", "--hidden"),
        ["safetensors shorter than its header"] = new("printf 'abc' > m.safetensors", ["predict", "1", "2", "--model", "m.safetensors"], 2, "shorter than a safetensors header"),
        ["a .pt file for a network too large to hold"] = new("printf 'x' > m.pt", ["predict", "1", "2", "--model", "m.pt", "--hidden", "65536,65536,65536,65536,65536,65536,65536,65536"], 2, "would need about"),
        // what is not an error
        ["a model file with a UTF-8 byte order mark"] = new("printf '\\xef\\xbb\\xbf' > bom.json && cat addmlp-model.json >> bom.json", ["predict", "0.3", "0.5", "--model", "bom.json"], 0, "0.8"),
        ["predict --json in shortest form"] = new("", ["predict", "0.3", "0.5", "--json"], 0, "\"sum\":0.8}"),
    };

    public static TheoryData<string> Names => new(Attacks.Keys);

    [Fact]
    public void The_table_holds_at_least_40_cases() => Assert.True(Attacks.Count >= 40, $"{Attacks.Count} cases");

    [Theory]
    [MemberData(nameof(Names))]
    public void An_attack_gets_its_exit_code_one_clean_line_and_changes_nothing(string name)
    {
        Attack attack = Attacks[name];
        Models.WriteExactAdder(_dir.File("addmlp-model.json"));
        LossCurveFile.Save(_dir.File("addmlp-loss.json"), new LossCurveDocument { Device = "cpu", Status = TrainStatus.Completed, EpochsRun = 1, Loss = [1f] });
        Bash(attack.Setup);
        string before = Bash(Snapshot);

        CliResult result = Cli.Run(_dir.Path, attack.Args);

        Assert.True(result.ExitCode == attack.Exit, result.ToString());
        if (attack.Exit == 0)
        {
            Assert.Contains(attack.Expected, result.StdOut);
            Assert.Equal("", result.StdErr);
        }
        else
        {
            Assertions.OneLineError(result);
            Assert.Contains(attack.Expected, result.StdErr);
            Assert.DoesNotContain('\u001b', result.StdErr);
            Assert.True(result.StdErr.Length < 4000, $"{result.StdErr.Length} characters on stderr");
        }
        if (attack.Absent is string absent)
            Assert.DoesNotContain(absent, result.StdErr);
        Assert.Equal(before, Bash(Snapshot));
    }

    [Fact]
    public void Inputs_too_large_for_float32_losses_are_named_as_the_cause_of_divergence()
    {
        CliResult result = Cli.Run(_dir.Path, "train", "--range", "-1e18:1e18", "--quiet");

        Assert.Equal(1, result.ExitCode);
        Assertions.OneLineError(result);
        Assert.Contains("inputs as large as 1E+18 make float32 losses overflow: scale them down (a narrower --range)", result.StdErr);
    }

    /// <summary>Every entry below the folder: its type, mode, link target, and a regular file's content hash.</summary>
    private const string Snapshot = "find . -printf '%y %m %p -> %l\\n' | sort; find . -type f -exec sha256sum {} + | sort";

    private string Bash(string script)
    {
        if (script.Length == 0)
            return "";
        var start = new ProcessStartInfo("bash", ["-c", script]) { WorkingDirectory = _dir.Path, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        using Process process = Process.Start(start)!;
        string output = process.StandardOutput.ReadToEnd();
        string error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"setup failed: {script}\n{error}");
        return output;
    }
}
