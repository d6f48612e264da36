namespace AddMlp.Gpu.Cli;

/// <summary>
/// The bottom line of a terminal's stderr, held for a live status (the progress bar). A message printed
/// while the status shows clears it first, gets a line of its own, and the status is drawn again under
/// it: nothing is ever glued to the bar. Thread-safe: a signal handler prints through it while training
/// draws. Never wider than <see cref="Room"/>, so the terminal never wraps it.
/// </summary>
public sealed class StatusLine(TextWriter writer, Func<int> width)
{
    /// <summary>
    /// Columns a status may use on a terminal <paramref name="width"/> wide: all but three, one because a
    /// line that reaches the last column wraps on some terminals, two for the "^C" the terminal itself
    /// echoes after it on Ctrl+C (which would otherwise wrap, and leave the bar above the message).
    /// </summary>
    public static int Room(int width) => Math.Max(1, width - 3);

    private const string ClearLine = "\r\u001b[K";
    private readonly Lock _lock = new();
    private string? _shown;

    /// <summary>The terminal's width now, in columns.</summary>
    public int Width => Math.Max(1, width());

    /// <summary>Replaces the status with <paramref name="text"/>.</summary>
    public void Show(string text)
    {
        lock (_lock)
        {
            _shown = text;
            writer.Write(ClearLine + Fit(text));
            writer.Flush();
        }
    }

    /// <summary>Prints a line above the status.</summary>
    public void WriteLine(string line)
    {
        lock (_lock)
        {
            if (_shown is not null)
                writer.Write(ClearLine);
            writer.WriteLine(line);
            if (_shown is not null)
                writer.Write(ClearLine + Fit(_shown));
            writer.Flush();
        }
    }

    /// <summary>Erases the status, leaving the cursor at the start of an empty line.</summary>
    public void Clear()
    {
        lock (_lock)
        {
            if (_shown is null)
                return;
            writer.Write(ClearLine);
            writer.Flush();
            _shown = null;
        }
    }

    private string Fit(string text)
    {
        int room = Room(Width);
        return text.Length <= room ? text : text[..room];
    }
}
