using System.Runtime.InteropServices;

namespace AddMlp.Gpu.Cli;

/// <summary>
/// Ctrl+C (SIGINT) or SIGTERM: the first asks the running command to stop cleanly (training finishes
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
        _registrations = [PosixSignalRegistration.Create(PosixSignal.SIGINT, Handle), PosixSignalRegistration.Create(PosixSignal.SIGTERM, Handle)];
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
