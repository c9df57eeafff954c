using System.Collections.Concurrent;
using Cake.Core.Diagnostics;

namespace QtsOps.Build.Deployment;

/// <summary>
/// Stops of slots that no longer serve, deferred until the run needs them done: the next start or stop of
/// a slot, or the run's end. Not beside the verify that follows a switch: a stop there (the engine tearing
/// the container and its network endpoint down) once coincided with verify's request through the edge,
/// which got a 504 and rolled a good release back. The slot that served stays running a little longer;
/// nothing reaches it, since the edge's workers that forwarded to it are gone (<see cref="Edge.SwitchTo"/>).
/// </summary>
public sealed class SlotStops
{
    private readonly List<(string Container, Func<string> Stop)> _pending = [];

    /// <param name="stop">Stops <paramref name="container"/>; returns what to log once it is stopped.</param>
    public void Defer(string container, Func<string> stop)
    {
        lock (_pending) _pending.Add((container, stop));
    }

    /// <summary>Runs every stop deferred, one after the other. One that fails is a warning, not an error: the slot no longer serves, so the deploy stands.</summary>
    public void RunAll(ICakeLog log)
    {
        List<(string Container, Func<string> Stop)> pending;
        lock (_pending)
        {
            pending = [.. _pending];
            _pending.Clear();
        }
        foreach (var (container, stop) in pending)
        {
            try
            {
                log.Information(stop());
            }
            catch (Exception exception)
            {
                log.Warning($"{container} no longer serves but could not be stopped: {exception.Message} Fix: docker stop {container}");
            }
        }
    }
}

/// <summary>
/// The run's <see cref="SlotStops"/>, one per host: a host's next start runs its own, never another's (the hosts of a rollout's group deploy
/// at once, and a stop beside a host's verify is what <see cref="SlotStops"/> keeps out). The run's end stops every host's at once.
/// </summary>
public sealed class SlotStopsByHost
{
    private readonly ConcurrentDictionary<object, SlotStops> _hosts = new(ReferenceEqualityComparer.Instance);

    /// <param name="host">The engine of the host the slots are on (the run's one object for it).</param>
    public SlotStops For(object host) => _hosts.GetOrAdd(host, _ => new());

    /// <summary>Every host's deferred stops, the hosts at once, each host's one after the other.</summary>
    public void RunAll(ICakeLog log) => Parallel.ForEach(_hosts.Values, stops => stops.RunAll(log));
}
