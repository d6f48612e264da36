using System.CommandLine;
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

    /// <summary>A positive whole number (epochs, samples, ...): anything below <paramref name="min"/> is a usage error.</summary>
    public static Option<int> AtLeast(string name, int defaultValue, int min, string description, string helpName = "N")
    {
        var option = new Option<int>(name) { Description = description, DefaultValueFactory = _ => defaultValue, HelpName = helpName };
        option.Validators.Add(result =>
        {
            int value = result.GetValueOrDefault<int>();
            if (value < min)
                result.AddError($"{name} must be at least {min}, got {value}");
        });
        return option;
    }
}
