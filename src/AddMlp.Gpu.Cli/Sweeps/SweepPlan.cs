using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace AddMlp.Gpu.Cli;

/// <summary>How a random sweep draws an option's value.</summary>
internal enum Distribution
{
    /// <summary>Uniform between the bounds (whole numbers for a whole-number option, both bounds included).</summary>
    Uniform,
    /// <summary>Uniform in the logarithm: for rates, which matter by their order of magnitude.</summary>
    LogUniform,
    /// <summary>One of the values listed, each as likely.</summary>
    Choice,
}

/// <summary>An option a random sweep draws, and how.</summary>
internal sealed record RandomAxis(string Option, Distribution Distribution, IReadOnlyList<string> Values);

/// <summary>
/// What a sweep tries: train options by train's own names (without the dashes: "lr", "hidden"), each value a
/// word train's option takes. A grid is the product of its axes' values; a random sweep draws
/// <see cref="Trials"/> settings from its axes with a seeded generator. <see cref="Fixed"/> holds for every
/// trial, and each setting is repeated over <see cref="Seeds"/> seeds. Written as the sweep file
/// (format "addmlp-sweep"), which is also the plan a sweep folder keeps.
/// </summary>
internal sealed record SweepPlan
{
    public const string FormatName = "addmlp-sweep";
    public const int CurrentVersion = 1;

    /// <summary>The value that leaves an option at train's default (a grid over --hidden: default;16;16,16).</summary>
    public const string DefaultValue = "default";

    public IReadOnlyList<(string Option, IReadOnlyList<string> Values)> Grid { get; init; } = [];
    public IReadOnlyList<RandomAxis> Random { get; init; } = [];
    /// <summary>A random sweep's number of settings drawn.</summary>
    public int? Trials { get; init; }
    /// <summary>The random sweep's generator's seed (not the trials' --seed).</summary>
    public int SampleSeed { get; init; }
    public IReadOnlyList<(string Option, string Value)> Fixed { get; init; } = [];
    /// <summary>How many seeds each setting runs with: the trial's --seed, then the next ones.</summary>
    public int Seeds { get; init; } = 1;

    /// <summary>The options whose values differ between trials, in the plan's order.</summary>
    public IReadOnlyList<string> Varying =>
        [.. Grid.Select(a => a.Option), .. Random.Select(a => a.Option), .. Seeds > 1 ? ["seed"] : Array.Empty<string>()];

    /// <summary>Every trial's settings: option name and value word, in plan order (the plan's order of trials is the grid's, odometer-wise, last axis fastest).</summary>
    public IReadOnlyList<IReadOnlyList<(string Option, string Value)>> Settings(Func<string, bool> isWholeNumber)
    {
        var settings = new List<List<(string, string)>> { new() };
        foreach (var (option, values) in Grid)
            settings = [.. settings.SelectMany(s => values.Select(v => new List<(string, string)>(s) { (option, v) }))];
        if (Random.Count > 0)
        {
            var generator = new System.Random(SampleSeed);
            settings = [.. Enumerable.Range(0, Trials ?? 0).Select(_ => Random.Select(axis => (axis.Option, Draw(axis, generator, isWholeNumber(axis.Option)))).ToList())];
        }
        string seedOption = Fixed.FirstOrDefault(f => f.Option == "seed").Value ?? new TrainOptions().Seed.ToString(CultureInfo.InvariantCulture);
        long firstSeed = long.Parse(seedOption, CultureInfo.InvariantCulture);
        return [.. settings.SelectMany(s => Enumerable.Range(0, Seeds).Select(k =>
        {
            IEnumerable<(string, string)> trial = [.. Fixed.Where(f => f.Option != "seed"), .. s];
            return (IReadOnlyList<(string, string)>)[.. trial, .. Seeds > 1 || Fixed.Any(f => f.Option == "seed") ? [("seed", (firstSeed + k).ToString(CultureInfo.InvariantCulture))] : Array.Empty<(string, string)>()];
        }))];
    }

    private static string Draw(RandomAxis axis, System.Random generator, bool whole)
    {
        double u = generator.NextDouble();
        if (axis.Distribution == Distribution.Choice)
            return axis.Values[(int)(u * axis.Values.Count)];
        double low = Number(axis.Values[0]), high = Number(axis.Values[1]);
        if (whole)
        {
            double drawn = axis.Distribution == Distribution.LogUniform ? Math.Exp(Math.Log(low) + u * (Math.Log(high + 1) - Math.Log(low))) : low + u * (high + 1 - low);
            return ((long)Math.Min(Math.Floor(drawn), high)).ToString(CultureInfo.InvariantCulture);
        }
        double value = axis.Distribution == Distribution.LogUniform ? Math.Exp(Math.Log(low) + u * (Math.Log(high) - Math.Log(low))) : low + u * (high - low);
        return value.ToString("R", CultureInfo.InvariantCulture);
    }

    private static double Number(string text) => double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);

    /// <summary>The plan as its file's JSON: the sweep file a user may write, and what a sweep folder keeps.</summary>
    public string ToJson()
    {
        var root = new JsonObject { ["format"] = FormatName, ["version"] = CurrentVersion };
        if (Grid.Count > 0)
            root["grid"] = new JsonObject(Grid.Select(a => KeyValuePair.Create(a.Option, (JsonNode?)new JsonArray([.. a.Values.Select(v => (JsonNode?)v)]))));
        if (Random.Count > 0)
        {
            var random = new JsonObject { ["trials"] = Trials, ["seed"] = SampleSeed };
            foreach (RandomAxis axis in Random)
                random[axis.Option] = new JsonObject { [EnumNames<Distribution>.Of(axis.Distribution)] = new JsonArray([.. axis.Values.Select(v => (JsonNode?)v)]) };
            root["random"] = random;
        }
        if (Fixed.Count > 0)
            root["set"] = new JsonObject(Fixed.Select(f => KeyValuePair.Create(f.Option, (JsonNode?)f.Value)));
        root["seeds"] = Seeds;
        return root.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }
}
