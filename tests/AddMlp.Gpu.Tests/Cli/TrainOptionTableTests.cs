using System.Text.Json;
using AddMlp.Gpu.Cli;

namespace AddMlp.Gpu.Tests;

/// <summary>
/// The train options that define a run are one table (<see cref="TrainOptionTable"/>): help, --print-config,
/// --config, --resume's checks and the library's problems all read it, so an entry is all an option needs.
/// </summary>
public sealed class TrainOptionTableTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Every_entry_is_in_help_and_in_print_config_under_its_key_and_nothing_else_is()
    {
        IReadOnlyList<TrainSetting> table = TrainOptionTable.Create();
        CliResult help = Cli.Run(_dir.Path, "train", "--help");
        CliResult printed = Cli.Run(_dir.Path, "train", "--print-config");

        using JsonDocument config = JsonDocument.Parse(printed.StdOut);
        JsonElement root = config.RootElement;
        string[] keys = [.. root.GetProperty("training").EnumerateObject().Select(p => p.Name),
            .. root.GetProperty("architecture").EnumerateObject().Select(p => $"architecture.{p.Name}").Where(k => k is not ("architecture.inputs" or "architecture.outputs")),
            "dtype"];
        Assert.Equal(keys.Order(), table.Select(s => s.Key).Order());
        foreach (TrainSetting setting in table)
            Assert.Contains($"  {setting.Option.Name} ", help.StdOut);
    }

    [Fact]
    public void Every_property_the_library_bounds_or_names_has_an_entry()
    {
        string[] properties = [.. TrainOptionTable.Create().Select(s => s.Property)];
        var options = new TrainOptions { Architecture = Architecture.Linear, Optimizer = Optimizer.Adam, EarlyStop = 1, LrSchedule = LrSchedule.Step };

        foreach (OptionProblem problem in options.Problems().Concat(options.Unused()))
            Assert.All(problem.Mentions, mention => Assert.Contains(mention, properties));
        foreach (string property in typeof(TrainOptions).GetProperties().Select(p => p.Name).Where(p => TrainOptions.BoundsOf(p) is not null))
            Assert.Contains(property, properties);
    }

    [Fact]
    public void A_printed_config_read_back_prints_the_same_config()
    {
        CliResult printed = Cli.Run(_dir.Path, "train", "--print-config", "--loss", "smooth_l1", "--huber-delta", "0.25", "--hidden", "8", "--activation", "tanh", "--lr-schedule", "step", "--lr-step-size", "10");
        File.WriteAllText(_dir.File("run.json"), printed.StdOut);

        CliResult again = Cli.Run(_dir.Path, "train", "--print-config", "--config", "run.json");

        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Equal(printed.StdOut, again.StdOut);
        Assert.Contains("\"loss\": \"smooth_l1\"", again.StdOut);
        Assert.Contains("\"huber_delta\": 0.25", again.StdOut);
    }

    [Fact]
    public void A_resumed_run_keeps_its_loss()
    {
        Assert.Equal(0, Cli.Run(_dir.Path, "train", "--quiet", "--epochs", "20", "--loss", "huber", "--huber-delta", "0.5").ExitCode);

        CliResult changed = Cli.Run(_dir.Path, "train", "--resume", "addmlp-model.json", "--epochs", "40", "--loss", "l1");
        CliResult kept = Cli.Run(_dir.Path, "train", "--quiet", "--resume", "addmlp-model.json", "--epochs", "40");

        Assert.Equal(2, changed.ExitCode);
        Assert.Contains("--loss would change it", changed.StdErr);
        Assert.True(kept.ExitCode == 0, kept.ToString());
        Assert.Contains("\"loss\": \"huber\"", File.ReadAllText(_dir.File("addmlp-model.json")));
    }

    [Fact]
    public void A_config_files_value_out_of_bounds_is_worded_as_the_command_lines_and_names_the_file()
    {
        File.WriteAllText(_dir.File("bad.json"), """{ "training": { "loss": "huber", "huber_delta": -1 } }""");

        CliResult bad = Cli.Run(_dir.Path, "train", "--config", "bad.json");

        Assert.Equal(2, bad.ExitCode);
        Assert.Equal("addmlp: --config 'bad.json': --huber-delta must be a finite number above 0, got '-1'", bad.StdErr.Trim());
    }
}
