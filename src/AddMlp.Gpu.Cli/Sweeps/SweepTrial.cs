using System.CommandLine;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace AddMlp.Gpu.Cli;

/// <summary>
/// One run of a sweep: its setting (train option names and value words), the options train resolves them to,
/// and its id, a hash of those options (less where and how fast it runs: the device and threads), which
/// names its folder. The same options always get the same id, whatever sweep, order or machine asks for them
/// (and whichever later addmlp, as long as train's defaults stay).
/// </summary>
internal sealed record SweepTrial(int Index, IReadOnlyList<(string Option, string Value)> Setting, TrainOptions Options, string Id)
{
    /// <summary>The trial's options as its folder's config.json holds them (and train --config reads them).</summary>
    public string Config => CliJson.Serialize(TrainConfigDocument.From(Options));

    /// <summary>"lr=0.01 hidden=16,16 seed=43": the varying options' values, for tables and legends.</summary>
    public string Label(IReadOnlyList<string> varying) =>
        varying.Count == 0 ? Id : string.Join(' ', varying.Select(o => $"{o}={Setting.FirstOrDefault(s => s.Option == o).Value ?? SweepPlan.DefaultValue}"));

    /// <summary>
    /// The plan's trials, each resolved by train's own options (so a value train refuses is refused here, in
    /// train's words) and run single-threaded unless the plan sets --threads. Settings that resolve to the
    /// same options are one trial.
    /// </summary>
    public static IReadOnlyList<SweepTrial> Resolve(SweepPlan plan, SweepPlanReader reader)
    {
        IReadOnlyList<TrainSetting> table = TrainOptionTable.Create();
        var train = new Command("train");
        foreach (TrainSetting setting in table)
            train.Options.Add(setting.Option);
        var trials = new List<SweepTrial>();
        var seen = new HashSet<string>();
        IReadOnlyList<IReadOnlyList<(string Option, string Value)>> settings = plan.Settings(reader.IsWholeNumber);
        if (settings.Count == 0)
            throw new UsageException("the plan has no trials: give --grid values, or --random N with axes to draw");
        foreach (var setting in settings)
        {
            string where = $"trial {trials.Count + 1} ({string.Join(' ', setting.Select(s => $"{s.Option}={s.Value}"))})";
            string[] words = [.. setting.Where(s => s.Value != SweepPlan.DefaultValue).Select(s => $"--{s.Option}={s.Value}")];
            ParseResult parse = train.Parse(words, AddMlpApp.Parsing);
            if (parse.Errors.Count > 0)
                throw new UsageException($"{where}: {parse.Errors[0].Message.TrimEnd('.')}");
            TrainOptions options;
            try
            {
                options = new TrainOptionReader(table, parse, null, null, basisIsConfig: false).Read();
            }
            catch (UsageException e)
            {
                throw new UsageException($"{where}: {e.Message}");
            }
            options = options with { Threads = options.Threads ?? 1, WeightDecay = options.EffectiveWeightDecay };
            string id = IdOf(options);
            if (seen.Add(id))
                trials.Add(new SweepTrial(trials.Count, setting, options, id));
        }
        return trials;
    }

    /// <summary>
    /// The first 12 hex digits of the SHA-256 of what the trial's options change from train's defaults (its
    /// config's keys whose values differ from a default run's, device and threads left out): an option that a
    /// later addmlp adds, at its default, changes no trial's id.
    /// </summary>
    private static string IdOf(TrainOptions options)
    {
        JsonObject Config(TrainOptions o) => JsonNode.Parse(CliJson.Serialize(TrainConfigDocument.From(o with { Device = DeviceRequest.Auto, Threads = null })))!.AsObject();
        JsonObject mine = Config(options), defaults = Config(new TrainOptions());
        var changed = new StringBuilder();
        foreach (string block in (string[])["architecture", "dtype", "training"])
        {
            KeyValuePair<string, JsonNode?>[] fields = mine[block] is JsonObject o ? [.. o] : [KeyValuePair.Create(block, mine[block])];
            foreach (var (key, value) in fields)
            {
                JsonNode? standard = defaults[block] is JsonObject d ? d[key] : defaults[block];
                if (!JsonNode.DeepEquals(value, standard))
                    changed.Append(block).Append('.').Append(key).Append('=').Append(value?.ToJsonString() ?? "null").Append('\n');
            }
        }
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(changed.ToString())))[..12];
    }
}
