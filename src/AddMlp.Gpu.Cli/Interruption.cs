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

    public Interruption(TextWriter err)
    {
        _err = err;
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
            _err.WriteLine("addmlp: interrupted again: exiting now without saving");
            FastExit.Now(ExitCodes.Interrupted);
        }
        _err.WriteLine("addmlp: interrupt received: finishing the current epoch and saving (interrupt again to quit without saving)");
        _source.Cancel();
    }

    public void Dispose()
    {
        foreach (PosixSignalRegistration registration in _registrations)
            registration.Dispose();
        _source.Dispose();
    }
}
