using System.Text.Json;

namespace AddMlp.Gpu;

/// <summary>Reads and writes addmlp's JSON files: atomic writes; reads with size and depth limits, the format and version checked, and one-line errors.</summary>
internal static class JsonFile
{
    /// <summary>Far above any model addmlp makes; a bigger file is refused before it is read.</summary>
    public const long MaxBytes = 64L << 20;

    public static void Save<T>(string path, T document) =>
        AtomicFile.WriteAllBytes(path, JsonSerializer.SerializeToUtf8Bytes(document, Json.Options.TypeInfo<T>()));

    /// <summary>"model file", "loss-curve file": how messages name a file.</summary>
    public static string Describe(AddMlpFile file) => file == AddMlpFile.Model ? "model file" : "loss-curve file";

    /// <summary>Reads a document of its format and version; every problem becomes a <see cref="ModelFileException"/> naming <paramref name="path"/>.</summary>
    public static T Load<T>(string path)
        where T : class, IAddMlpDocument<T>
    {
        string kind = Describe(T.Kind);
        ModelFileException Problem(FileProblem problem, string message, Exception? inner = null) => new(T.Kind, problem, path, message, inner);

        if (Directory.Exists(path))
            throw Problem(FileProblem.Unreadable, $"{kind} '{path}' is a directory, not a file");
        if (!File.Exists(path))
            throw Problem(FileProblem.NotFound, $"{kind} '{path}' not found");

        byte[] bytes;
        try
        {
            var info = new FileInfo(path);
            if (info.Length > MaxBytes)
                throw Problem(FileProblem.Unreadable, $"{kind} '{path}' is {info.Length:N0} bytes, more than the {MaxBytes >> 20} MiB an addmlp file can be");
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw Problem(FileProblem.Unreadable, $"cannot read {kind} '{path}': {e.Message}", e);
        }

        if (bytes.Length == 0)
            throw Problem(FileProblem.Invalid, $"{kind} '{path}' is empty");
        T document;
        try
        {
            document = JsonSerializer.Deserialize(bytes, Json.Options.TypeInfo<T>())
                ?? throw Problem(FileProblem.Invalid, $"{kind} '{path}' holds null, not an addmlp document");
        }
        catch (JsonException e)
        {
            string where = e.LineNumber is { } line ? $" (line {line + 1})" : "";
            string field = e.Path is { Length: > 2 } jsonPath ? $"{Clean(jsonPath[2..])}: " : "";
            throw Problem(FileProblem.Invalid, $"{kind} '{path}' is not a valid addmlp file{where}: {field}{FirstSentence(e.Message)}", e);
        }

        if (document.Format != T.ExpectedFormat)
            throw Problem(FileProblem.Invalid, $"{kind} '{path}': format is '{document.Format}', expected '{T.ExpectedFormat}'");
        if (document.Version != T.ExpectedVersion)
            throw Problem(FileProblem.Invalid, $"{kind} '{path}': version {document.Version} is not supported (this addmlp reads version {T.ExpectedVersion})");
        return document.Narrowed();
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
        message = Clean(message).TrimEnd('.');
        return message.Length <= 160 ? message : message[..157] + "...";
    }

    private static string Clean(string text) => new(text.Select(c => char.IsControl(c) ? '?' : c).ToArray());
}
