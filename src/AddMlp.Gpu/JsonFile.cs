using System.Text.Json;

namespace AddMlp.Gpu;

/// <summary>Reads and writes addmlp's JSON files: atomic writes; reads with size and depth limits and one-line errors.</summary>
internal static class JsonFile
{
    /// <summary>Far above any model addmlp makes; a bigger file is refused before it is read.</summary>
    public const long MaxBytes = 64L << 20;

    public static void Save<T>(string path, T document) =>
        AtomicFile.WriteAllBytes(path, JsonSerializer.SerializeToUtf8Bytes(document, Json.Options.TypeInfo<T>()));

    /// <summary>Reads a document; every problem becomes a <see cref="ModelFileException"/> naming <paramref name="path"/>.</summary>
    public static T Load<T>(string path, string kind, string missingHint)
        where T : class
    {
        if (Directory.Exists(path))
            throw new ModelFileException($"{kind} '{path}' is a directory, not a file");
        if (!File.Exists(path))
            throw new ModelFileException($"{kind} '{path}' not found: {missingHint}");

        byte[] bytes;
        try
        {
            var info = new FileInfo(path);
            if (info.Length > MaxBytes)
                throw new ModelFileException($"{kind} '{path}' is {info.Length:N0} bytes, more than the {MaxBytes >> 20} MiB an addmlp file can be");
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ModelFileException($"cannot read {kind} '{path}': {e.Message}", e);
        }

        if (bytes.Length == 0)
            throw new ModelFileException($"{kind} '{path}' is empty");
        try
        {
            return JsonSerializer.Deserialize(bytes, Json.Options.TypeInfo<T>())
                ?? throw new ModelFileException($"{kind} '{path}' holds null, not an addmlp document");
        }
        catch (JsonException e)
        {
            string where = e.LineNumber is { } line ? $" (line {line + 1})" : "";
            throw new ModelFileException($"{kind} '{path}' is not a valid addmlp file{where}: {FirstSentence(e.Message)}", e);
        }
    }

    /// <summary>The parser's message cut to its first sentence, on one line, with no control characters and not too long.</summary>
    private static string FirstSentence(string message)
    {
        int cut = message.IndexOfAny(['\n', '\r']);
        if (cut >= 0)
            message = message[..cut];
        foreach (string end in new[] { " Path: ", ". " })
        {
            cut = message.IndexOf(end, StringComparison.Ordinal);
            if (cut >= 0)
                message = message[..cut];
        }
        message = new string(message.Select(c => char.IsControl(c) ? '?' : c).ToArray()).TrimEnd('.');
        return message.Length <= 160 ? message : message[..157] + "...";
    }
}
