using Cake.Core.Diagnostics;

namespace QtsOps.Build.Deployment;

/// <summary>
/// Stops of slots that no longer serve, run beside what follows in the run (its verify) instead of before
/// it: only the next start or stop of a slot and the end of the run need them done, and wait for them here.
/// </summary>
public sealed class SlotStops
{
    private readonly List<(string Container, Task<string> Stop)> _pending = [];

    /// <param name="stop">Stops <paramref name="container"/>; returns what to log once it is stopped.</param>
    public void Begin(string container, Func<string> stop)
    {
        lock (_pending) _pending.Add((container, Task.Run(stop)));
    }

    /// <summary>Waits for every stop begun. One that failed is a warning, not an error: the slot no longer serves, so the deploy stands.</summary>
    public void WaitAll(ICakeLog log)
    {
        List<(string Container, Task<string> Stop)> pending;
        lock (_pending)
        {
            pending = [.. _pending];
            _pending.Clear();
        }
        foreach (var (container, stop) in pending)
        {
            try
            {
                log.Information(stop.GetAwaiter().GetResult());
            }
            catch (Exception exception)
            {
                log.Warning($"{container} no longer serves but could not be stopped: {exception.Message} Fix: docker stop {container}");
            }
        }
    }
}
