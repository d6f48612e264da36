using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace AddMlp.Gpu;

/// <summary>
/// How addmlp spells its enums, in files and on the command line alike: snake_case of the member name,
/// a capital starting a new word only where a lowercase letter follows it (TargetReached is
/// "target_reached", Float32 "float32", AdamW "adamw", as PyTorch names them), or a digit after a lowercase letter
/// (SmoothL1 "smooth_l1").
/// </summary>
public static class EnumNames<T>
    where T : struct, Enum
{
    private static readonly (T Value, string Name)[] Members = [.. Enum.GetValues<T>().Select(v => (v, SnakeCase(v.ToString())))];

    /// <summary>Every name, in declaration order.</summary>
    public static IReadOnlyList<string> All { get; } = [.. Members.Select(m => m.Name)];

    public static string Of(T value) =>
        Members.FirstOrDefault(m => EqualityComparer<T>.Default.Equals(m.Value, value)).Name
        ?? throw new ArgumentOutOfRangeException(nameof(value), value, null);

    public static bool TryParse(string text, out T value)
    {
        foreach (var (member, name) in Members)
        {
            if (name == text)
            {
                value = member;
                return true;
            }
        }
        value = default;
        return false;
    }

    private static string SnakeCase(string name)
    {
        var text = new StringBuilder(name.Length + 4);
        for (int i = 0; i < name.Length; i++)
        {
            // SmoothL1 is "smooth_l1": a capital before a digit starts a word too, after a lowercase letter.
            bool wordStart = i > 0 && char.IsUpper(name[i]) && i + 1 < name.Length
                && (char.IsLower(name[i + 1]) || (char.IsDigit(name[i + 1]) && char.IsLower(name[i - 1])));
            if (wordStart)
                text.Append('_');
            text.Append(char.ToLowerInvariant(name[i]));
        }
        return text.ToString();
    }
}

/// <summary>Reads and writes an enum as its <see cref="EnumNames{T}"/> name; any other text is refused with the names allowed.</summary>
public sealed class EnumNameConverter<T> : JsonConverter<T>
    where T : struct, Enum
{
    public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        string? text = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
        if (text is not null && EnumNames<T>.TryParse(text, out T value))
            return value;
        throw new JsonException($"'{text ?? reader.TokenType.ToString()}' is not one of {string.Join(", ", EnumNames<T>.All)}");
    }

    public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options) => writer.WriteStringValue(EnumNames<T>.Of(value));
}
