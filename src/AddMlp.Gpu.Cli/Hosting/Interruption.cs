using System.Runtime.InteropServices;

namespace AddMlp.Gpu.Cli;

/// <summary>
/// Ctrl+C (SIGINT), SIGTERM or SIGHUP: the first asks the running command to stop cleanly (training finishes
/// its epoch and saves; the other commands stop without writing); a second one exits at once with 130,
/// writing nothing more. SIGXFSZ (a file-size limit, `ulimit -f`) is ignored, so that a write past the
/// limit fails as the I/O error it is (EFBIG) instead of killing the process with its temporary files.
/// </summary>
public sealed class Interruption : IDisposable
{
    private readonly CancellationTokenSource _source = new();
    private readonly PosixSignalRegistration[] _registrations;
    private readonly TextWriter _err;
    private readonly StatusLine? _status;
    private readonly string _onSignal;

    /// <summary>SIGXFSZ on Linux (PosixSignal takes a raw signal number).</summary>
    private const PosixSignal SignalFileSizeExceeded = (PosixSignal)25;

    /// <param name="status">The progress bar's line, if any: the messages go above it, never onto it.</param>
    /// <param name="onSignal">What the command does on a first signal, as its message says it ("finishing the current epoch and saving").</param>
    public Interruption(TextWriter err, StatusLine? status = null, string onSignal = "stopping without writing anything")
    {
        _err = err;
        _status = status;
        _onSignal = onSignal;
        // SIGHUP (the terminal went away) too: like SIGTERM, a request to stop, not a reason to lose the run.
        _registrations =
        [
            PosixSignalRegistration.Create(PosixSignal.SIGINT, Handle),
            PosixSignalRegistration.Create(PosixSignal.SIGTERM, Handle),
            PosixSignalRegistration.Create(PosixSignal.SIGHUP, Handle),
            PosixSignalRegistration.Create(SignalFileSizeExceeded, context => context.Cancel = true),
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
        Say($"addmlp: interrupt received: {_onSignal} (interrupt again to quit at once)");
        _source.Cancel();
    }

    private void Say(string line) => CliContext.WriteErrLine(_err, _status, line);

    public void Dispose()
    {
        foreach (PosixSignalRegistration registration in _registrations)
            registration.Dispose();
        _source.Dispose();
    }
}
