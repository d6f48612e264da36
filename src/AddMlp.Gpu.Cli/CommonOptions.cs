using System.CommandLine;
using System.Globalization;
using AddMlp.Gpu;

namespace AddMlp.Gpu.Cli;

/// <summary>Options that several commands share, built the same way everywhere.</summary>
public static class CommonOptions
{
    public static Option<string> Device(string defaultValue, string description)
    {
        var option = new Option<string>("--device")
        {
            Description = description,
            DefaultValueFactory = _ => defaultValue,
            HelpName = "auto|cpu|cuda|cuda:N",
        };
        option.Validators.Add(result =>
        {
            string? value = result.GetValueOrDefault<string>();
            if (value is null || !Devices.IsValidName(value))
                result.AddError($"--device '{value}' is not a device: use auto, cpu, cuda or cuda:N");
        });
        return option;
    }

    public static Option<string> ModelPath(string description) => new("--model")
    {
        Description = description,
        DefaultValueFactory = _ => ModelFile.DefaultPath,
        HelpName = "PATH",
    };

    /// <summary>A whole number of at least <paramref name="min"/> (epochs, samples, ...); anything else is a usage error.</summary>
    public static Option<int> AtLeast(string name, int defaultValue, int min, string description, string helpName = "N") =>
        new(name)
        {
            Description = description,
            DefaultValueFactory = _ => defaultValue,
            HelpName = helpName,
            CustomParser = result =>
            {
                string text = result.Tokens.Single().Value;
                if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value))
                    result.AddError($"{name} must be a whole number, got '{text}'");
                else if (value < min)
                    result.AddError($"{name} must be at least {min}, got {value}");
                return value;
            },
        };

    /// <summary>A finite number above zero (learning rates, ...); anything else is a usage error.</summary>
    public static Option<double> Positive(string name, double defaultValue, string description, string helpName) =>
        new(name)
        {
            Description = description,
            DefaultValueFactory = _ => defaultValue,
            HelpName = helpName,
            CustomParser = result =>
            {
                string text = result.Tokens.Single().Value;
                if (!Numbers.TryParseFinite(text, out double value) || value <= 0)
                    result.AddError($"{name} must be a finite number above 0, got '{text}'");
                return value;
            },
        };
}
