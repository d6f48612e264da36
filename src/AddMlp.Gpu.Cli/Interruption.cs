using System.Runtime.InteropServices;

namespace AddMlp.Gpu.Cli;

/// <summary>
/// Ctrl+C (SIGINT), SIGTERM or SIGHUP: the first asks the running command to stop cleanly (training finishes
/// its epoch and saves); a second one exits at once with 130, writing nothing more.
/// </summary>
public sealed class Interruption : IDisposable
{
    private readonly CancellationTokenSource _source = new();
    private readonly PosixSignalRegistration[] _registrations;
    private readonly TextWriter _err;
    private readonly StatusLine? _status;

    /// <param name="status">The progress bar's line, if any: the messages go above it, never onto it.</param>
    public Interruption(TextWriter err, StatusLine? status = null)
    {
        _err = err;
        _status = status;
        // SIGHUP (the terminal went away) too: like SIGTERM, a request to stop, not a reason to lose the run.
        _registrations =
        [
            PosixSignalRegistration.Create(PosixSignal.SIGINT, Handle),
            PosixSignalRegistration.Create(PosixSignal.SIGTERM, Handle),
            PosixSignalRegistration.Create(PosixSignal.SIGHUP, Handle),
        ];
    }

    public CancellationToken Token => _source.Token;

    private void Handle(PosixSignalContext context)
    {
        context.Cancel = true; // we decide how to end, not the runtime
        if (_source.IsCancellationRequested)
        {
            Say("addmlp: interrupted again: exiting now without saving");
            _status?.Clear();
            FastExit.Now(ExitCodes.Interrupted);
        }
        Say("addmlp: interrupt received: finishing the current epoch and saving (interrupt again to quit without saving)");
        _source.Cancel();
    }

    private void Say(string line)
    {
        if (_status is not null)
            _status.WriteLine(line);
        else
            _err.WriteLine(line);
    }

    public void Dispose()
    {
        foreach (PosixSignalRegistration registration in _registrations)
            registration.Dispose();
        _source.Dispose();
    }
}
