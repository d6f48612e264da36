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
        CliResult printed = Cli.Run(_dir.Path, "train", "--print-config", "--optimizer", "sgd", "--momentum", "0.5", "--hidden", "8", "--activation", "tanh", "--lr-schedule", "step", "--lr-step-size", "10");
        File.WriteAllText(_dir.File("run.json"), printed.StdOut);

        CliResult again = Cli.Run(_dir.Path, "train", "--print-config", "--config", "run.json");

        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Equal(printed.StdOut, again.StdOut);
        Assert.Contains("\"momentum\": 0.5", again.StdOut);
    }

    [Fact]
    public void A_config_files_value_out_of_bounds_is_worded_as_the_command_lines_and_names_the_file()
    {
        File.WriteAllText(_dir.File("bad.json"), """{ "training": { "lr_gamma": -1, "lr_schedule": "step", "lr_step_size": 5 } }""");

        CliResult bad = Cli.Run(_dir.Path, "train", "--config", "bad.json");

        Assert.Equal(2, bad.ExitCode);
        Assert.Equal("addmlp: --config 'bad.json': --lr-gamma must be a finite number above 0, got '-1'", bad.StdErr.Trim());
    }
}
