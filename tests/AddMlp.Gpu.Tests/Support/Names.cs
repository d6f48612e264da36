namespace AddMlp.Gpu.Tests;

/// <summary>Enum values from the names files and the command line use, for tests written with those names.</summary>
public static class Names
{
    public static T Parse<T>(string name)
        where T : struct, Enum =>
        EnumNames<T>.TryParse(name, out T value) ? value : throw new ArgumentException($"no {typeof(T).Name} is called '{name}'", nameof(name));
}
