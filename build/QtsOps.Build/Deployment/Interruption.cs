using System.Runtime.InteropServices;
using Cake.Core.Diagnostics;

namespace QtsOps.Build.Deployment;

/// <summary>
/// SIGINT (Ctrl-C) and SIGTERM while a deploy or rollback holds the lock. The first one does not end
/// the process: it cancels <see cref="Token"/>, so the step in progress finishes or is undone, the
/// outcome is recorded as interrupted and the lock released on the way out. A second one ends the
/// process at once (the operating system lock ends with it).
/// </summary>
public sealed class Interruption : IDisposable
{
    private readonly CancellationTokenSource _source = new();
    private readonly ICakeLog _log;
    private readonly string _activity;
    private readonly PosixSignalRegistration[] _registrations;
    private int _received;

    private Interruption(ICakeLog log, string activity)
    {
        _log = log;
        _activity = activity;
        _registrations = [PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal), PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal)];
    }

    /// <param name="activity">What a signal interrupts, for the log: "the deploy of 1.2.4".</param>
    public static Interruption Watch(ICakeLog log, string activity) => new(log, activity);

    /// <summary>Cancelled by the first signal.</summary>
    public CancellationToken Token => _source.Token;

    /// <summary>The signal that interrupted, as people know it; null while none came.</summary>
    public string? Signal { get; private set; }

    public bool IsRequested => Signal is not null;

    private void OnSignal(PosixSignalContext context)
    {
        if (Interlocked.Increment(ref _received) > 1) return; // the default action: the process ends now
        context.Cancel = true;
        Signal = context.Signal == PosixSignal.SIGINT ? "SIGINT (Ctrl-C)" : "SIGTERM";
        _log.Warning($"{Signal}: stopping {_activity} cleanly (the step in progress finishes or is undone, the outcome is recorded, the lock released). Send it again to stop at once.");
        _source.Cancel();
    }

    public void Dispose()
    {
        foreach (var registration in _registrations) registration.Dispose();
        _source.Dispose();
    }
}
