using System.Runtime.InteropServices;
using Cake.Core.Diagnostics;
using QtsOps.Tools;

namespace QtsOps.Build.Deployment;

/// <summary>
/// SIGINT (Ctrl-C) and SIGTERM while a deploy or rollback holds the lock. The first one does not end
/// the process: it cancels <see cref="Token"/>, so the step in progress finishes or is undone, the
/// outcome is recorded as interrupted and the lock released on the way out. A second one ends the
/// process at once (the operating system lock ends with it).
/// </summary>
/// <remarks>
/// While a watch is alive, the processes the pipeline starts run in sessions of their own (<see cref="ChildSessions"/>): a Ctrl-C
/// at a terminal, which signals the terminal's whole foreground process group, reaches the pipeline alone, and the docker, compose,
/// ssh or host script call in progress runs to its end. The signal that ends the process at once is passed on to them first.
/// One registration per signal serves every watch alive at once (the watches nest: a rollout's, and each host's deploy in
/// it), so a signal is counted once. While a <see cref="WatchBetweenSteps"/> watch is alive the first signal cancels it
/// alone: the steps in progress (a rollout's group) run to their end, and the run starts no further step.
/// </remarks>
public sealed class Interruption : IDisposable
{
    private static readonly Lock Gate = new();
    private static readonly List<Interruption> Watching = [];
    private static PosixSignalRegistration[] s_registrations = [];
    private static int s_received;

    private readonly CancellationTokenSource _source = new();
    private readonly ICakeLog _log;
    private readonly string _activity;
    private readonly bool _betweenSteps;

    private Interruption(ICakeLog log, string activity, bool betweenSteps)
    {
        _log = log;
        _activity = activity;
        _betweenSteps = betweenSteps;
    }

    /// <param name="activity">What a signal interrupts, for the log: "the deploy of 1.2.4".</param>
    public static Interruption Watch(ICakeLog log, string activity) => Start(new(log, activity, betweenSteps: false));

    /// <summary>A run of steps (a rollout's groups): the first signal lets the steps in progress, and the watches inside them, go on; the run checks <see cref="IsRequested"/> between steps.</summary>
    /// <param name="activity">What a signal stops, for the log: "the rollout of 1.2.4 after the group in progress".</param>
    public static Interruption WatchBetweenSteps(ICakeLog log, string activity) => Start(new(log, activity, betweenSteps: true));

    /// <summary>Cancelled by the first signal.</summary>
    public CancellationToken Token => _source.Token;

    /// <summary>The signal that interrupted, as people know it; null while none came.</summary>
    public string? Signal { get; private set; }

    public bool IsRequested => Signal is not null;

    private static Interruption Start(Interruption watch)
    {
        lock (Gate)
        {
            if (Watching.Count == 0)
            {
                s_received = 0;
                s_registrations = [PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal), PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal)];
                ChildSessions.Detaching = true;
            }
            Watching.Add(watch);
        }
        return watch;
    }

    private static void OnSignal(PosixSignalContext context)
    {
        var signal = context.Signal == PosixSignal.SIGINT ? "SIGINT (Ctrl-C)" : "SIGTERM";
        // Under the lock: a watch is not disposed while it is cancelled.
        lock (Gate)
        {
            if (Watching.Count == 0 || ++s_received > 1)
            {
                // The default action: the process ends now, and its children with it, as they would have without sessions of their own.
                ChildSessions.PassOn(context.Signal);
                return;
            }
            context.Cancel = true;
            var betweenSteps = Watching.Where(w => w._betweenSteps).ToList();
            foreach (var watch in betweenSteps.Count > 0 ? betweenSteps : [.. Watching]) watch.Interrupt(signal);
        }
    }

    private void Interrupt(string signal)
    {
        Signal = signal;
        _log.Warning(_betweenSteps
            ? $"{signal}: stopping {_activity} (the work in progress runs to its end, nothing further starts, the outcome is recorded, the locks released). Send it again to stop at once."
            : $"{signal}: stopping {_activity} cleanly (the step in progress finishes or is undone, the outcome is recorded, the lock released). Send it again to stop at once.");
        _source.Cancel();
    }

    public void Dispose()
    {
        lock (Gate)
        {
            Watching.Remove(this);
            if (Watching.Count == 0)
            {
                foreach (var registration in s_registrations) registration.Dispose();
                s_registrations = [];
                ChildSessions.Detaching = false;
            }
        }
        _source.Dispose();
    }
}
