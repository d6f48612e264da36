using System.CommandLine;
using System.CommandLine.Completions;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Text.RegularExpressions;

namespace AddMlp.Gpu.Cli;

/// <summary>
/// The options more than one command takes, and the ways options are built: each parses its own value
/// and reports a bad one as one line naming the option, what it needs and what it got.
/// </summary>
public static partial class SharedOptions
{
    public static Option<DeviceRequest> Device(DeviceRequest defaultValue, string description)
    {
        var option = new Option<DeviceRequest>("--device")
        {
            Description = description,
            DefaultValueFactory = _ => defaultValue,
            HelpName = "auto|cpu|cuda|cuda:N",
            CustomParser = result =>
            {
                string text = result.Tokens.Single().Value;
                if (!DeviceRequest.TryParse(text, out DeviceRequest request))
                    result.AddError($"--device '{text}' is not one of auto, cpu, cuda, cuda:N");
                return request;
            },
        };
        option.CompletionSources.Add(_ => DeviceRequest.Names.Select(v => new CompletionItem(v)));
        return option;
    }

    public static Option<string> ModelPath(string description) => new("--model")
    {
        Description = description,
        DefaultValueFactory = _ => ModelFile.DefaultPath,
        HelpName = "PATH",
    };

    public static Option<long> Seed(long defaultValue, string description) => new("--seed")
    {
        Description = description,
        DefaultValueFactory = _ => defaultValue,
        HelpName = "N",
        CustomParser = result =>
        {
            string text = result.Tokens.Single().Value;
            if (!long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out long value))
                result.AddError($"--seed must be a whole number, got '{text}'");
            return value;
        },
    };

    /// <summary>Hidden layer widths, W1,W2,...; empty when not given (the tutorial's Linear(2, 1)).</summary>
    public static Option<int[]> Hidden(string description) => new("--hidden")
    {
        Description = description,
        DefaultValueFactory = _ => [],
        HelpName = "W1,W2,...",
        CustomParser = ParseHidden,
    };

    public static Option<Choice<Activation>> Activation(string description) => Choice("--activation", AddMlp.Gpu.Activation.Relu, description);

    /// <summary>--kernels: how the forward and backward passes are computed; absent, the device's default (portable on the CPU, native on a GPU).</summary>
    public static Option<Choice<Kernels>?> Kernels(string description) => OptionalChoice<Kernels>("--kernels", description);

    /// <summary>One of an enum's members, by the names files use too (offered by tab completion).</summary>
    public static Option<Choice<T>> Choice<T>(string name, T defaultValue, string description)
        where T : struct, Enum
    {
        var option = new Option<Choice<T>>(name)
        {
            Description = description,
            DefaultValueFactory = _ => new Choice<T>(defaultValue),
            HelpName = string.Join('|', EnumNames<T>.All),
            CustomParser = result => ParseChoice<T>(result, name),
        };
        option.CompletionSources.Add(_ => EnumNames<T>.All.Select(v => new CompletionItem(v)));
        return option;
    }

    /// <summary>One of an enum's members, or null when absent.</summary>
    public static Option<Choice<T>?> OptionalChoice<T>(string name, string description)
        where T : struct, Enum
    {
        var option = new Option<Choice<T>?>(name)
        {
            Description = description,
            HelpName = string.Join('|', EnumNames<T>.All),
            CustomParser = result => ParseChoice<T>(result, name),
        };
        option.CompletionSources.Add(_ => EnumNames<T>.All.Select(v => new CompletionItem(v)));
        return option;
    }

    private static Choice<T> ParseChoice<T>(ArgumentResult result, string name)
        where T : struct, Enum
    {
        string text = result.Tokens.Single().Value;
        if (!EnumNames<T>.TryParse(text, out T value))
            result.AddError($"{name} '{text}' is not one of {string.Join(", ", EnumNames<T>.All)}");
        return new Choice<T>(value);
    }

    /// <summary>A whole number from <paramref name="min"/> to <paramref name="max"/>.</summary>
    public static Option<int> AtLeast(string name, int defaultValue, int min, string description, int max = int.MaxValue, string helpName = "N") =>
        Whole(name, defaultValue, new Bounds(min, false, max), checkBounds: true, description, helpName);

    /// <summary>An optional whole number from <paramref name="min"/> to <paramref name="max"/>; null when absent.</summary>
    public static Option<int?> OptionalWhole(string name, int min, int max, string description, string helpName = "N") =>
        Whole<int?>(name, null, new Bounds(min, false, max), checkBounds: true, description, helpName);

    /// <summary>
    /// A whole number (T: int, or int? for one with no default), its bounds checked where <paramref name="checkBounds"/>
    /// (else by whoever checks the option's value, and worded by <see cref="OutOfBounds"/>).
    /// </summary>
    public static Option<T> Whole<T>(string name, T defaultValue, Bounds bounds, bool checkBounds, string description, string helpName = "N") =>
        Numeric(name, defaultValue, description, helpName, result => ParseWhole(result, name, bounds, checkBounds));

    /// <summary>A finite number within bounds (e.g. above 0; at least 0; from 0 to below 1).</summary>
    public static Option<double> Finite(string name, double defaultValue, Bounds bounds, string description, string helpName = "X") =>
        Number<double>(name, defaultValue, bounds, checkBounds: true, description, helpName);

    /// <summary>
    /// A finite number (T: double, or double? for one with no default), its bounds checked where <paramref name="checkBounds"/>
    /// (else by whoever checks the option's value, and worded by <see cref="OutOfBounds"/>).
    /// </summary>
    public static Option<T> Number<T>(string name, T defaultValue, Bounds bounds, bool checkBounds, string description, string helpName = "X") =>
        Numeric(name, defaultValue, description, helpName, result => ParseFinite(result, name, bounds, checkBounds));

    private static Option<T> Numeric<T>(string name, T defaultValue, string description, string helpName, Func<ArgumentResult, object?> parse) => new(name)
    {
        Description = description,
        DefaultValueFactory = defaultValue is null ? null : _ => defaultValue,
        HelpName = helpName,
        CustomParser = result => (T)parse(result)!,
    };

    /// <summary>--val-fraction [F]: 0.1 when given without a value, null when absent; the bounds word a value that is not a number.</summary>
    public static Option<double?> ValFraction(Bounds bounds, string description) => new("--val-fraction")
    {
        Description = description,
        HelpName = "F",
        Arity = ArgumentArity.ZeroOrOne,
        CustomParser = result => result.Tokens.Count == 0 ? 0.1 : ParseFinite(result, "--val-fraction", bounds, checkBounds: false),
    };

    /// <summary>--range LO:HI, with a default.</summary>
    public static Option<InputRange> Range(InputRange defaultValue, string description) => new("--range")
    {
        Description = description,
        DefaultValueFactory = _ => defaultValue,
        HelpName = "LO:HI",
        CustomParser = ParseRange,
    };

    /// <summary>--range LO:HI; null when absent.</summary>
    public static Option<InputRange?> OptionalRange(string description) => new("--range")
    {
        Description = description,
        HelpName = "LO:HI",
        CustomParser = result => ParseRange(result),
    };

    /// <summary>A length of time such as 90s, 10m, 2h or 1h30m; null when absent.</summary>
    public static Option<TimeSpan?> OptionalDuration(string name, string description) => new(name)
    {
        Description = description,
        HelpName = "DURATION",
        CustomParser = result =>
        {
            string text = result.Tokens.Single().Value;
            if (TryParseDuration(text, out TimeSpan duration) && duration > TimeSpan.Zero)
                return duration;
            result.AddError($"{name} must be a duration such as 1500ms, 90s, 10m, 2h or 1h30m (units ms, s, m, h, d), above 0 and at most {MaxDuration.TotalDays:0} days, got '{text}'");
            return null;
        },
    };

    /// <summary>The longest timer .NET sets in one go is about 24.8 days (int.MaxValue milliseconds).</summary>
    private static readonly TimeSpan MaxDuration = TimeSpan.FromDays(24);

    /// <summary>A duration up to <see cref="MaxDuration"/>; a longer one (however many digits) is not one.</summary>
    private static bool TryParseDuration(string text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        Match match = Duration().Match(text);
        if (!match.Success)
            return false;
        double seconds = 0;
        for (int i = 0; i < match.Groups["amount"].Captures.Count; i++)
        {
            double amount = double.Parse(match.Groups["amount"].Captures[i].Value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture);
            seconds += amount * match.Groups["unit"].Captures[i].Value switch
            {
                "d" => 86_400,
                "h" => 3_600,
                "m" => 60,
                "ms" => 0.001,
                _ => 1,
            };
        }
        if (!(seconds <= MaxDuration.TotalSeconds))
            return false;
        duration = TimeSpan.FromSeconds(seconds);
        return true;
    }

    [GeneratedRegex(@"^(?:(?<amount>[0-9]{1,20}(?:\.[0-9]{1,20})?)(?<unit>ms|[dhms]))+$")]
    private static partial Regex Duration();

    private static InputRange ParseRange(ArgumentResult result)
    {
        if (!InputRange.TryParse(result.Tokens.Single().Value, out InputRange range, out string? problem))
            result.AddError($"--range {problem}");
        return range;
    }

    private static int[] ParseHidden(ArgumentResult result)
    {
        string text = result.Tokens.Single().Value;
        var widths = new List<int>();
        foreach (string part in text.Split(','))
        {
            if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out int width) || width is < 1 or > Architecture.MaxWidth)
            {
                result.AddError($"--hidden '{text}': each width must be a whole number from 1 to {Architecture.MaxWidth}, e.g. --hidden 16,16");
                return [];
            }
            widths.Add(width);
        }
        if (widths.Count > Architecture.MaxHiddenLayers)
            result.AddError($"--hidden '{text}': at most {Architecture.MaxHiddenLayers} hidden layers");
        return [.. widths];
    }

    private static int? ParseWhole(ArgumentResult result, string name, Bounds bounds, bool checkBounds)
    {
        string text = result.Tokens.Single().Value;
        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value))
            result.AddError($"{name} must be a whole number, got '{text}'");
        else if (checkBounds && !bounds.Contains(value))
            result.AddError(OutOfBounds(name, bounds, text, whole: true));
        return value;
    }

    private static double? ParseFinite(ArgumentResult result, string name, Bounds bounds, bool checkBounds)
    {
        string text = result.Tokens.Single().Value;
        if (!FloatText.TryParseFinite(text, out double value) || (checkBounds && !bounds.Contains(value)))
            result.AddError(OutOfBounds(name, bounds, text, whole: false));
        else if (Math.Abs(value) > float.MaxValue)
            result.AddError($"{name} must be within float32's range (about ±3.4e38), got '{text}'");
        return value;
    }

    /// <summary>An option's value <paramref name="text"/> that is not a number within its bounds, in one line.</summary>
    public static string OutOfBounds(string name, Bounds bounds, string text, bool whole)
    {
        if (!whole)
            return $"{name} must be a finite number {bounds}, got '{text}'{DecimalPointHint(text)}";
        bool low = int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value) && value < bounds.Min;
        return low ? $"{name} must be at least {bounds.Min}, got {text}" : $"{name} must be at most {bounds.Max}, got {text}";
    }

    /// <summary>" (write 0.1: ...)" for a number written with a decimal comma, as some locales write it; else "".</summary>
    public static string DecimalPointHint(string text) =>
        DecimalComma().IsMatch(text) ? $" (numbers take a decimal point: write {text.Replace(',', '.')})" : "";

    [GeneratedRegex(@"^[+-]?[0-9]+,[0-9]+$")]
    private static partial Regex DecimalComma();
}

/// <summary>An enum option's value. Help shows an option's default with ToString(): this one gives the name files and the command line use ("adam", not "Adam").</summary>
public readonly record struct Choice<T>(T Value)
    where T : struct, Enum
{
    public override string ToString() => EnumNames<T>.Of(Value);
}
