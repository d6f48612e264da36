using System.Text.Json;
using System.Text.Json.Nodes;
using YamlDotNet.RepresentationModel;

namespace AddMlp.Gpu.Cli;

/// <summary>
/// A <see cref="SweepPlan"/> from the command line's words (--grid lr=0.1,0.01 ...) or a sweep file (JSON or
/// YAML), its option names checked against train's own (<see cref="TrainOptionTable"/>): a new train option
/// is sweepable with no change here.
/// </summary>
internal sealed class SweepPlanReader
{
    private readonly IReadOnlyList<TrainSetting> _table = TrainOptionTable.Create();

    /// <summary>Whether a train option (by its name without dashes) takes whole numbers.</summary>
    public bool IsWholeNumber(string option) => Setting(option, "").Whole;

    /// <summary>The plan the sweep command's options give; null when they give none (then a sweep folder's own plan is run).</summary>
    public SweepPlan? FromCommandLine(string[] grid, int? trials, string[] uniform, string[] logUniform, string[] choice, int sampleSeed, string[] set, int seeds)
    {
        if (grid.Length == 0 && trials is null && uniform.Length + logUniform.Length + choice.Length == 0 && set.Length == 0 && seeds == 1)
            return null;
        var random = new List<RandomAxis>();
        random.AddRange(uniform.Select(a => Range(a, "--uniform", Distribution.Uniform)));
        random.AddRange(logUniform.Select(a => Range(a, "--log-uniform", Distribution.LogUniform)));
        random.AddRange(choice.Select(a => { var (o, v) = Assignment(a, "--choice", sweep: true); return new RandomAxis(o, Distribution.Choice, Values(v, a, "--choice")); }));
        return Checked(new SweepPlan
        {
            Grid = [.. grid.Select(a => { var (o, v) = Assignment(a, "--grid", sweep: true); return (o, Values(v, a, "--grid")); })],
            Random = random,
            Trials = trials,
            SampleSeed = sampleSeed,
            Fixed = [.. set.Select(a => Assignment(a, "--set", sweep: false))],
            Seeds = seeds,
        }, "");
    }

    /// <summary>A sweep file: JSON, or YAML (by its extension, .yaml or .yml) of the same shape.</summary>
    public SweepPlan FromFile(string path)
    {
        string what = $"sweep file '{path}'";
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (FileNotFoundException)
        {
            throw new UsageException($"--plan '{path}': no such file");
        }
        catch (DirectoryNotFoundException)
        {
            throw new UsageException($"--plan '{path}': no such file");
        }
        JsonElement root;
        try
        {
            string json = Path.GetExtension(path).ToLowerInvariant() is ".yaml" or ".yml" ? YamlToJson(text) : text;
            using JsonDocument document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 8 });
            root = document.RootElement.Clone();
        }
        catch (Exception e) when (e is JsonException or YamlDotNet.Core.YamlException)
        {
            throw new UsageException($"{what} is not valid {(e is JsonException ? "JSON" : "YAML")}: {e.Message.Split('\n')[0]}");
        }
        return FromJson(root, what);
    }

    /// <summary>A plan from its JSON (a sweep file's, or a sweep folder's sweep.json).</summary>
    public SweepPlan FromJson(JsonElement root, string what)
    {
        UsageException Bad(string problem) => new($"{what}: {problem}");
        if (root.ValueKind != JsonValueKind.Object)
            throw Bad("expected an object, e.g. {\"grid\": {\"lr\": [0.1, 0.01]}, \"seeds\": 3}");
        var grid = new List<(string, IReadOnlyList<string>)>();
        var random = new List<RandomAxis>();
        var set = new List<(string, string)>();
        int? trials = null;
        int sampleSeed = 0, seeds = 1;
        foreach (JsonProperty field in root.EnumerateObject())
        {
            switch (field.Name)
            {
                case "format" when field.Value.ValueKind == JsonValueKind.String && field.Value.GetString() == SweepPlan.FormatName:
                case "version" when field.Value.ValueKind == JsonValueKind.Number && field.Value.TryGetInt32(out int v) && v == SweepPlan.CurrentVersion:
                    break;
                case "format" or "version":
                    throw Bad($"{field.Name} is {field.Value.GetRawText()}; this addmlp reads \"{SweepPlan.FormatName}\" version {SweepPlan.CurrentVersion}");
                case "grid":
                    foreach (JsonProperty axis in Object(field))
                        grid.Add((Known(axis.Name, sweep: true, what), Values(axis.Value, $"grid.{axis.Name}", what)));
                    break;
                case "random":
                    foreach (JsonProperty axis in Object(field))
                    {
                        if (axis.Name == "trials")
                            trials = Whole(axis.Value, "random.trials", what);
                        else if (axis.Name == "seed")
                            sampleSeed = Whole(axis.Value, "random.seed", what);
                        else
                            random.Add(Draw(axis, what));
                    }
                    break;
                case "set":
                    foreach (JsonProperty option in Object(field))
                        set.Add((Known(option.Name, sweep: false, what), Word(option.Value, $"set.{option.Name}", what)));
                    break;
                case "seeds":
                    seeds = Whole(field.Value, "seeds", what);
                    break;
                default:
                    throw Bad($"{field.Name} is not a key of a sweep file (grid, random, set, seeds)");
            }
        }
        return Checked(new SweepPlan { Grid = grid, Random = random, Trials = trials, SampleSeed = sampleSeed, Fixed = set, Seeds = seeds }, $"{what}: ");

        IEnumerable<JsonProperty> Object(JsonProperty field) => field.Value.ValueKind == JsonValueKind.Object
            ? field.Value.EnumerateObject()
            : throw Bad($"{field.Name} is {field.Value.ValueKind.ToString().ToLowerInvariant()}, expected an object of options");
    }

    private RandomAxis Draw(JsonProperty axis, string what)
    {
        string option = Known(axis.Name, sweep: true, what);
        if (axis.Value.ValueKind != JsonValueKind.Object || axis.Value.EnumerateObject().Count() != 1)
            throw new UsageException($"{what}: random.{axis.Name} is not one of {{\"uniform\": [LO, HI]}}, {{\"log_uniform\": [LO, HI]}}, {{\"choice\": [V, ...]}}");
        JsonProperty draw = axis.Value.EnumerateObject().Single();
        if (!EnumNames<Distribution>.TryParse(draw.Name, out Distribution distribution))
            throw new UsageException($"{what}: random.{axis.Name}.{draw.Name} is not one of {string.Join(", ", EnumNames<Distribution>.All)}");
        IReadOnlyList<string> values = Values(draw.Value, $"random.{axis.Name}.{draw.Name}", what);
        return distribution == Distribution.Choice ? new RandomAxis(option, distribution, values) : RangeAxis(option, distribution, values, $"{what}: random.{axis.Name}");
    }

    private RandomAxis Range(string assignment, string flag, Distribution distribution)
    {
        var (option, value) = Assignment(assignment, flag, sweep: true);
        string[] bounds = value.Split(':');
        return RangeAxis(option, distribution, bounds, $"{flag} '{assignment}'");
    }

    private static RandomAxis RangeAxis(string option, Distribution distribution, IReadOnlyList<string> bounds, string where)
    {
        if (bounds.Count != 2 || !FloatText.TryParseFinite(bounds[0], out double low) || !FloatText.TryParseFinite(bounds[1], out double high) || !(low < high))
            throw new UsageException($"{where}: give the range as two numbers LO:HI with LO < HI, e.g. lr=0.001:0.1");
        if (distribution == Distribution.LogUniform && low <= 0)
            throw new UsageException($"{where}: a log-uniform range lies above 0, got {bounds[0]}");
        return new RandomAxis(option, distribution, bounds);
    }

    private (string Option, string Value) Assignment(string assignment, string flag, bool sweep)
    {
        int equals = assignment.IndexOf('=');
        if (equals <= 0)
            throw new UsageException($"{flag} '{assignment}': write it as NAME=VALUES, a train option's name and its values, e.g. {flag} lr=0.1,0.01");
        return (Known(assignment[..equals], sweep, $"{flag} '{assignment}'"), assignment[(equals + 1)..]);
    }

    /// <summary>A list of values: separated by ';' when there is one (--grid "hidden=16;16,16"), else by ','.</summary>
    private static IReadOnlyList<string> Values(string text, string assignment, string flag)
    {
        string[] values = text.Split(text.Contains(';') ? ';' : ',', StringSplitOptions.TrimEntries);
        if (values.Length == 0 || values.Any(v => v.Length == 0))
            throw new UsageException($"{flag} '{assignment}': {(text.Length == 0 ? "no values" : "an empty value")}; list them, e.g. {flag} lr=0.1,0.01 (\"{SweepPlan.DefaultValue}\" for train's default)");
        return values;
    }

    private static IReadOnlyList<string> Values(JsonElement value, string key, string what)
    {
        if (value.ValueKind != JsonValueKind.Array)
            return [Word(value, key, what)];
        string[] values = [.. value.EnumerateArray().Select((v, i) => Word(v, $"{key}[{i}]", what))];
        return values.Length > 0 ? values : throw new UsageException($"{what}: {key} has no values");
    }

    /// <summary>A value as the word train's option takes: a string as it is, a number as written, a list of widths joined by commas.</summary>
    private static string Word(JsonElement value, string key, string what) => value.ValueKind switch
    {
        JsonValueKind.String when value.GetString() is { Length: > 0 } text => text,
        JsonValueKind.Number => value.GetRawText(),
        JsonValueKind.True or JsonValueKind.False => value.GetRawText(),
        JsonValueKind.Array when value.EnumerateArray().All(w => w.ValueKind == JsonValueKind.Number) =>
            value.GetArrayLength() == 0 ? SweepPlan.DefaultValue : string.Join(',', value.EnumerateArray().Select(w => w.GetRawText())),
        _ => throw new UsageException($"{what}: {key} is {value.GetRawText()}, not a value a train option takes"),
    };

    private static int Whole(JsonElement value, string key, string what) =>
        value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out int n) && n >= 0 ? n : throw new UsageException($"{what}: {key} is {value.GetRawText()}, not a whole number");

    /// <summary>A train option's name (without dashes), or a message naming the nearest one.</summary>
    private string Known(string name, bool sweep, string where)
    {
        TrainSetting setting = Setting(name.TrimStart('-'), where);
        if (setting.Key == "device_requested")
            throw new UsageException($"{where}: the device is the sweep's own option: give sweep --device");
        if (sweep && !setting.Sweepable)
            throw new UsageException($"{where}: --{name.TrimStart('-')} changes where or how fast a trial runs, not what it computes: give it with --set, once for every trial");
        return setting.Option.Name.TrimStart('-');
    }

    private TrainSetting Setting(string name, string where)
    {
        if (_table.FirstOrDefault(s => s.Option.Name == $"--{name}") is { } setting)
            return setting;
        string[] names = [.. _table.Select(s => s.Option.Name.TrimStart('-'))];
        string hint = Suggestions.Closest(name, names) is string closest ? $" (did you mean '{closest}'?)" : "";
        throw new UsageException($"{where}: train has no option --{name}{hint}; sweep train's options by their names: {string.Join(", ", names)}");
    }

    /// <summary>The checks a plan as a whole must pass.</summary>
    private static SweepPlan Checked(SweepPlan plan, string where)
    {
        if (plan.Grid.Count > 0 && plan.Random.Count > 0)
            throw new UsageException($"{where}a sweep is a grid or a random search, not both: give --grid axes or --random N with --uniform, --log-uniform, --choice");
        if (plan.Random.Count > 0 && plan.Trials is not > 0)
            throw new UsageException($"{where}a random sweep draws a number of trials: give --random N (\"trials\" in a sweep file)");
        if (plan.Trials is not null && plan.Random.Count == 0)
            throw new UsageException($"{where}--random {plan.Trials} draws from nothing: give --uniform, --log-uniform or --choice axes");
        if (plan.Seeds < 1)
            throw new UsageException($"{where}--seeds must be at least 1");
        string[] named = [.. plan.Grid.Select(a => a.Option), .. plan.Random.Select(a => a.Option), .. plan.Fixed.Select(f => f.Option)];
        if (named.GroupBy(n => n).FirstOrDefault(g => g.Count() > 1) is { } twice)
            throw new UsageException($"{where}--{twice.Key} is named twice in the plan: give it once");
        if (plan.Seeds > 1 && named.Contains("seed") && !plan.Fixed.Any(f => f.Option == "seed"))
            throw new UsageException($"{where}--seeds repeats each setting over seeds: do not vary --seed too");
        return plan;
    }

    /// <summary>YAML as JSON (the subset a sweep file needs: mappings, sequences, scalars; a plain scalar that is a JSON number stays a number).</summary>
    private static string YamlToJson(string text)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(text));
        return stream.Documents.Count == 0 ? "{}" : (Node(stream.Documents[0].RootNode)?.ToJsonString() ?? "null");

        static JsonNode? Node(YamlNode node) => node switch
        {
            YamlMappingNode map => new JsonObject(map.Children.Select(p => KeyValuePair.Create(((YamlScalarNode)p.Key).Value ?? "", Node(p.Value)))),
            YamlSequenceNode sequence => new JsonArray([.. sequence.Children.Select(Node)]),
            YamlScalarNode { Style: YamlDotNet.Core.ScalarStyle.Plain, Value: { } value } when JsonNumber(value) is { } number => number,
            YamlScalarNode scalar => JsonValue.Create(scalar.Value ?? ""),
            _ => null,
        };

        static JsonNode? JsonNumber(string value)
        {
            if (!FloatText.TryParseFinite(value, out _))
                return null;
            try
            {
                return JsonNode.Parse(value);
            }
            catch (JsonException)
            {
                return null; // a number YAML allows and JSON does not (.5, +1): a string, which train parses the same
            }
        }
    }
}
