using System.Reflection;

namespace AddMlp.Gpu;

/// <summary>
/// addmlp's version: one number (Directory.Build.props) for the tool, this library, their packages and
/// the files they write.
/// </summary>
public static class ProductVersion
{
    public static string Current { get; } = Of(typeof(ProductVersion).Assembly);

    /// <summary>An assembly's informational version without a "+commit" suffix.</summary>
    internal static string Of(Assembly assembly)
    {
        string? v = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
        if (string.IsNullOrEmpty(v))
            return assembly.GetName().Version?.ToString(3) ?? "unknown";
        int plus = v.IndexOf('+', StringComparison.Ordinal);
        return plus < 0 ? v : v[..plus];
    }
}
