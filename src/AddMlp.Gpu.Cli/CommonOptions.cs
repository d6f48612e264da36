using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using AddMlp.Gpu;

namespace AddMlp.Gpu.Cli;

/// <summary>
/// Options built the same way everywhere: each parses its own value and reports a bad one as one
/// line naming the option, what it needs and what it got.
/// </summary>
public static class CommonOptions
{
    public static Option<string> Device(string defaultValue, string description) =>
        OneOf("--device", defaultValue, ["auto", "cpu", "cuda", "cuda:N"], description, valid: Devices.IsValidName);

    public static Option<string> ModelPath(string description) => new("--model")
    {
        Description = description,
        DefaultValueFactory = _ => ModelFile.DefaultPath,
        HelpName = "PATH",
    };

    /// <summary>One of a fixed set of words (offered by tab completion).</summary>
    public static Option<string> OneOf(string name, string defaultValue, IReadOnlyList<string> values, string description, Func<string, bool>? valid = null)
    {
        var option = new Option<string>(name)
        {
            Description = description,
            DefaultValueFactory = _ => defaultValue,
            HelpName = string.Join('|', values),
            CustomParser = result =>
            {
                string text = result.Tokens.Single().Value;
                if (!(valid?.Invoke(text) ?? values.Contains(text)))
                    result.AddError($"{name} '{text}' is not one of {string.Join(", ", values)}");
                return text;
            },
        };
        option.CompletionSources.Add(_ => values.Where(v => v != "cuda:N").Select(v => new System.CommandLine.Completions.CompletionItem(v)));
        return option;
    }

    /// <summary>A whole number from <paramref name="min"/> to <paramref name="max"/>.</summary>
    public static Option<int> AtLeast(string name, int defaultValue, int min, string description, int max = int.MaxValue, string helpName = "N") =>
        new(name)
        {
            Description = description,
            DefaultValueFactory = _ => defaultValue,
            HelpName = helpName,
            CustomParser = result => ParseWhole(result, name, min, max) ?? 0,
        };

    /// <summary>An optional whole number from <paramref name="min"/> to <paramref name="max"/>; null when absent.</summary>
    public static Option<int?> OptionalWhole(string name, int min, int max, string description, string helpName = "N") =>
        new(name)
        {
            Description = description,
            HelpName = helpName,
            CustomParser = result => ParseWhole(result, name, min, max),
        };

    /// <summary>A finite number within bounds (e.g. above 0; at least 0; from 0 to below 1).</summary>
    public static Option<double> Finite(string name, double defaultValue, Bounds bounds, string description, string helpName = "X") =>
        new(name)
        {
            Description = description,
            DefaultValueFactory = _ => defaultValue,
            HelpName = helpName,
            CustomParser = result => ParseFinite(result, name, bounds) ?? 0,
        };

    /// <summary>An optional finite number within bounds; null when absent.</summary>
    public static Option<double?> OptionalFinite(string name, Bounds bounds, string description, string helpName = "X") =>
        new(name)
        {
            Description = description,
            HelpName = helpName,
            CustomParser = result => ParseFinite(result, name, bounds),
        };

    /// <summary>LO:HI.</summary>
    public static Option<InputRange> Range(string name, InputRange defaultValue, string description) =>
        new(name)
        {
            Description = description,
            DefaultValueFactory = _ => defaultValue,
            HelpName = "LO:HI",
            CustomParser = result =>
            {
                if (!InputRange.TryParse(result.Tokens.Single().Value, out InputRange range, out string? problem))
                    result.AddError($"{name} {problem}");
                return range;
            },
        };

    private static int? ParseWhole(ArgumentResult result, string name, int min, int max)
    {
        string text = result.Tokens.Single().Value;
        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value))
            result.AddError($"{name} must be a whole number, got '{text}'");
        else if (value < min)
            result.AddError($"{name} must be at least {min}, got {value}");
        else if (value > max)
            result.AddError($"{name} must be at most {max}, got {value}");
        return value;
    }

    private static double? ParseFinite(ArgumentResult result, string name, Bounds bounds)
    {
        string text = result.Tokens.Single().Value;
        if (!Numbers.TryParseFinite(text, out double value) || !bounds.Contains(value))
            result.AddError($"{name} must be a finite number {bounds}, got '{text}'");
        return value;
    }
}
