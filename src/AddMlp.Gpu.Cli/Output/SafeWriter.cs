using System.Text;

namespace AddMlp.Gpu.Cli;

/// <summary>
/// A writer that never fails its caller: when the stream behind it is closed or full (a closed pipe,
/// `2>&-`, /dev/full), what cannot be written is dropped. Printing is never worth a run: training
/// goes on and saves, and a command that finished keeps its exit code.
/// </summary>
public sealed class SafeWriter(TextWriter inner) : TextWriter
{
    /// <summary>Whether a write has failed (the stream is gone); later writes are not tried.</summary>
    public bool Broken { get; private set; }

    public override Encoding Encoding => inner.Encoding;

    public override void Write(char value) => Try(() => inner.Write(value));

    public override void Write(string? value) => Try(() => inner.Write(value));

    public override void Write(char[] buffer, int index, int count) => Try(() => inner.Write(buffer, index, count));

    public override void WriteLine(string? value) => Try(() => inner.WriteLine(value));

    public override void Flush() => Try(inner.Flush);

    private void Try(Action write)
    {
        if (Broken)
            return;
        try
        {
            write();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ObjectDisposedException)
        {
            // .NET reports a write to a descriptor that is not writable (EBADF) as UnauthorizedAccessException
            Broken = true;
        }
    }
}
