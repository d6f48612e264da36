using System.CommandLine;
using System.Text.Json;

namespace AddMlp.Gpu.Cli;

/// <summary>
/// A config or model file as the command-line words it stands for. The options that define a run
/// (<see cref="TrainOptionTable"/>) sit in a file under their keys: the training block's, architecture.hidden,
/// architecture.activation and dtype. A config file gives them by those names (a model file is one); a
/// resumed run keeps them. A file's values become the command line's words and are parsed by the same
/// options, so they are checked and worded as the command line's are.
/// </summary>
internal sealed class RunSettings(IReadOnlyList<TrainSetting> table)
{

    /// <summary>
    /// The command-line words a config file stands for. Its keys are a model file's (format, version,
    /// architecture, dtype, training; state_dict and resume are passed over); a key addmlp does not know
    /// is an error, so that a misspelt option is not silently dropped.
    /// </summary>
    public IReadOnlyList<string> Words(JsonElement document, string what)
    {
        UsageException Bad(string problem) => new($"{what}: {problem}");
        if (document.ValueKind != JsonValueKind.Object)
            throw Bad($"expected a JSON object of options, e.g. {Example}");
        var words = new List<string>();
        void Add(string key, JsonElement value)
        {
            TrainSetting setting = table.Single(s => s.Key == key);
            string? text = value.ValueKind switch
            {
                JsonValueKind.Null => null,
                JsonValueKind.String => value.GetString(),
                JsonValueKind.Number => value.GetRawText(),
                JsonValueKind.Object when key == "data" && value.TryGetProperty("path", out JsonElement path) && path.ValueKind == JsonValueKind.String => path.GetString(),
                JsonValueKind.Array when key == "range" && value.GetArrayLength() == 2 => $"{value[0].GetRawText()}:{value[1].GetRawText()}",
                JsonValueKind.Array when key == "architecture.hidden" && value.EnumerateArray().All(w => w.ValueKind == JsonValueKind.Number) =>
                    value.GetArrayLength() == 0 ? null : string.Join(',', value.EnumerateArray().Select(w => w.GetRawText())),
                _ => throw Bad($"{key} is {Describe(value)}, not a value {setting.Option.Name} takes{(key == "data" ? " (a path, or {\"path\": ...} as a model file records it)" : "")}"),
            };
            if (text is not null)
                words.Add($"{setting.Option.Name}={text}"); // one word: a value such as "--help" stays a value
        }

        string format = TrainConfigDocument.FormatName;
        if (document.TryGetProperty("format", out JsonElement f))
        {
            if (f.ValueKind != JsonValueKind.String || f.GetString() is not (TrainConfigDocument.FormatName or ModelDocument.FormatName))
                throw Bad($"format is {Describe(f)}, not \"{TrainConfigDocument.FormatName}\" or \"{ModelDocument.FormatName}\"");
            format = f.GetString()!;
        }
        if (document.TryGetProperty("version", out JsonElement v))
        {
            (int oldest, int newest) = format == ModelDocument.FormatName ? (1, ModelDocument.CurrentVersion) : (1, TrainConfigDocument.CurrentVersion);
            if (v.ValueKind != JsonValueKind.Number || !v.TryGetInt32(out int version) || version < oldest || version > newest)
                throw Bad($"version is {Describe(v)}; this addmlp reads {format} {(oldest == newest ? $"version {oldest}" : $"versions {oldest} to {newest}")}");
        }
        foreach (JsonProperty field in document.EnumerateObject())
        {
            if (field.Name is "architecture" or "training" && field.Value.ValueKind != JsonValueKind.Object)
                throw Bad($"{field.Name} is {Describe(field.Value)}, expected an object, e.g. {Example}");
            switch (field.Name)
            {
                case "format" or "version" or "state_dict" or "resume":
                    break; // the format and version are checked above; weights and run state are not options
                case "dtype":
                    Add("dtype", field.Value);
                    break;
                case "architecture" when field.Value.ValueKind == JsonValueKind.Object:
                    foreach (JsonProperty part in field.Value.EnumerateObject())
                    {
                        switch (part.Name)
                        {
                            case "hidden" or "activation":
                                Add($"architecture.{part.Name}", part.Value);
                                break;
                            case "inputs" or "outputs":
                                int expected = part.Name == "inputs" ? 2 : 1;
                                if (part.Value.ValueKind != JsonValueKind.Number || !part.Value.TryGetInt32(out int n) || n != expected)
                                    throw Bad($"architecture.{part.Name} is {part.Value.GetRawText()}; an adder has {expected}");
                                break;
                            default:
                                throw Bad($"architecture.{part.Name} is not a setting addmlp knows (hidden, activation)");
                        }
                    }
                    break;
                case "training" when field.Value.ValueKind == JsonValueKind.Object:
                    foreach (JsonProperty option in field.Value.EnumerateObject())
                    {
                        if (table.Any(s => s.Key == option.Name))
                            Add(option.Name, option.Value);
                        else if (!OutcomeKeys.Contains(option.Name)) // what a model file records about how its run went
                            throw Bad($"training.{option.Name} is not an option addmlp knows ({string.Join(", ", table.Select(s => s.Key).Where(k => !k.Contains('.') && k != "dtype"))})");
                    }
                    break;
                case "hidden" or "activation":
                    throw Bad($"{field.Name} belongs under \"architecture\": write {{\"architecture\": {{\"{field.Name}\": {Describe(field.Value)}}}}}");
                case string key when table.Any(s => s.Key == key):
                    throw Bad($"{key} belongs under \"training\": write {{\"training\": {{\"{key}\": {Describe(field.Value)}}}}}");
                default:
                    throw Bad($"{field.Name} is not a key of a config (architecture, dtype, training), e.g. {Example}");
            }
        }
        return words;
    }

    private const string Example = "{\"training\": {\"lr\": 0.01}}";

    /// <summary>The data file a config or model file records, with its rows and SHA-256 (null: none, or a path alone, as a config written by hand may give).</summary>
    public static DataFile? RecordedData(JsonElement document) =>
        document.ValueKind == JsonValueKind.Object && document.TryGetProperty("training", out JsonElement training) && training.ValueKind == JsonValueKind.Object
        && training.TryGetProperty("data", out JsonElement data) && data.ValueKind == JsonValueKind.Object
        && data.TryGetProperty("path", out JsonElement path) && path.ValueKind == JsonValueKind.String
        && data.TryGetProperty("rows", out JsonElement rows) && rows.TryGetInt64(out long count)
        && data.TryGetProperty("sha256", out JsonElement sha) && sha.ValueKind == JsonValueKind.String
            ? new DataFile(path.GetString()!, count, sha.GetString()!)
            : null;

    /// <summary>The training block's fields that are not options: a model file's record of how its run went.</summary>
    private static readonly HashSet<string> OutcomeKeys =
        [.. Json.Options.TypeInfo<TrainingOutcome>().Properties.Select(p => p.Name)];

    /// <summary>A value as a message shows it: its JSON when short, else what kind of value it is.</summary>
    private static string Describe(JsonElement value) => value.GetRawText() switch
    {
        { Length: <= 40 } text => text,
        _ when value.ValueKind == JsonValueKind.Object => "an object",
        _ when value.ValueKind == JsonValueKind.Array => "a list",
        var text => $"{text[..37]}...",
    };
}
