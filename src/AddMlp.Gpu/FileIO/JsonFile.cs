using System.Text.Json;

namespace AddMlp.Gpu;

/// <summary>Reads and writes addmlp's JSON files: atomic writes; reads with size and depth limits, the format and version checked, and one-line errors.</summary>
public static class JsonFile
{
    /// <summary>
    /// A bigger file is refused before it is read: the bound on what a hostile file can make addmlp hold
    /// in memory (a few times this, while it is parsed). `train` refuses a network whose model file would
    /// not fit (`--hidden 2048,2048`, 120 MiB, does), so what it writes is read back.
    /// </summary>
    public const long MaxBytes = 256L << 20;

    /// <summary>Writes a document atomically: an existing file is replaced whole or not at all.</summary>
    public static void Save<T>(string path, T document)
    {
        using var outputs = new OutputFiles();
        Stage(outputs, path, document);
        outputs.Commit();
    }

    /// <summary>Writes a document as one of a command's outputs (<see cref="OutputFiles"/>).</summary>
    public static void Stage<T>(OutputFiles outputs, string path, T document)
    {
        // Serialized into the file as it goes, not into memory first (a long run's loss curve is tens of
        // MB). A plain FileStream, not File.WriteAllBytes: that preallocates, and past a file-size limit
        // (ulimit -f) fails as an ArgumentOutOfRangeException; written plainly, it fails as the I/O error
        // it is (EFBIG).
        outputs.Stage(path, temp =>
        {
            using var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write);
            JsonSerializer.Serialize(file, document, Json.Options.TypeInfo<T>());
        });
    }

    /// <summary>"model file", "loss-curve file": how messages name a file.</summary>
    public static string Describe(AddMlpFile file) => file switch
    {
        AddMlpFile.Model => "model file",
        AddMlpFile.LossCurve => "loss-curve file",
        _ => "config file",
    };

    /// <summary>A file's JSON as it is, read with the same limits as documents; for files whose keys are checked one by one (a config).</summary>
    public static JsonElement LoadElement(AddMlpFile file, string path)
    {
        byte[] bytes = ReadInput(file, path, MaxBytes);
        if (bytes.AsSpan().StartsWith(Utf8ByteOrderMark))
            bytes = bytes[Utf8ByteOrderMark.Length..];
        try
        {
            using JsonDocument document = JsonDocument.Parse(bytes, new JsonDocumentOptions { MaxDepth = Json.MaxDepth });
            return document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            string where = e.LineNumber is { } line ? $" (line {line + 1})" : "";
            throw new ModelFileException(file, FileProblem.Invalid, path, $"{Describe(file)} '{path}' is not valid JSON{where}: {FirstSentence(e.Message)}", e);
        }
    }

    /// <summary>Reads a document of its format and version; every problem becomes a <see cref="ModelFileException"/> naming <paramref name="path"/>.</summary>
    public static T Load<T>(string path)
        where T : class, IAddMlpDocument<T>
    {
        string kind = Describe(T.Kind);
        ModelFileException Problem(FileProblem problem, string message, Exception? inner = null) => new(T.Kind, problem, path, message, inner);

        byte[] bytes = ReadInput(T.Kind, path, MaxBytes);
        if (bytes.AsSpan().StartsWith(Utf8ByteOrderMark))
            bytes = bytes[Utf8ByteOrderMark.Length..]; // editors on Windows write one; it says nothing
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
        if (document.Version < T.OldestVersion || document.Version > T.NewestVersion)
        {
            string readable = T.OldestVersion == T.NewestVersion ? $"version {T.NewestVersion}" : $"versions {T.OldestVersion} to {T.NewestVersion}";
            throw Problem(FileProblem.Invalid, $"{kind} '{path}': version {document.Version} is not supported (this addmlp reads {readable})");
        }
        return document.Narrowed();
    }

    private static ReadOnlySpan<byte> Utf8ByteOrderMark => [0xEF, 0xBB, 0xBF];

    /// <summary>
    /// The bytes of an input file, which must be a regular file (a FIFO would block for ever, a device
    /// never end) of at most <paramref name="maxBytes"/>: read with that limit, whatever size it reports.
    /// </summary>
    public static byte[] ReadInput(AddMlpFile file, string path, long maxBytes)
    {
        CheckInput(file, path);
        string kind = Describe(file);
        ModelFileException Problem(FileProblem problem, string message, Exception? inner = null) => new(file, problem, path, message, inner);
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
            string tooLarge = $"{kind} '{path}' is more than the {maxBytes >> 20} MiB an addmlp file can be";
            if (stream.Length > maxBytes)
                throw Problem(FileProblem.Unreadable, tooLarge); // said before reading it; the loop below holds for files that report no size
            using var content = new MemoryStream();
            var buffer = new byte[81920];
            int read;
            while ((read = stream.Read(buffer)) > 0)
            {
                if (content.Length + read > maxBytes)
                    throw Problem(FileProblem.Unreadable, tooLarge);
                content.Write(buffer, 0, read);
            }
            return content.ToArray();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw Problem(FileProblem.Unreadable, $"cannot read {kind} '{path}': {e.Message}", e);
        }
    }

    /// <summary>Throws <see cref="ModelFileException"/> unless <paramref name="path"/> is an existing regular file.</summary>
    public static void CheckInput(AddMlpFile file, string path)
    {
        string kind = Describe(file);
        if (Directory.Exists(path))
            throw new ModelFileException(file, FileProblem.Unreadable, path, $"{kind} '{path}' is a directory, not a file");
        if (!File.Exists(path))
            throw new ModelFileException(file, FileProblem.NotFound, path, $"{kind} '{path}' not found");
        if (FileFacts.Stat(path) is { Kind: not FileKind.Regular } status)
            throw new ModelFileException(file, FileProblem.Unreadable, path, $"{kind} '{path}' is {FileFacts.Describe(status.Kind)}, not a regular file");
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
