namespace QtsOps.Release.Verification;

/// <summary>
/// The settle window from a container's start: restarts and records are judged only after it, so a
/// service that crashes or stalls soon after starting is caught, not passed while it still looks fine.
/// </summary>
public sealed record SettleWindow(DateTimeOffset StartedAt, int Seconds)
{
    /// <summary>How long verify still waits before it judges; zero once the window has passed.</summary>
    public TimeSpan LeftAt(DateTimeOffset now)
    {
        var left = StartedAt.AddSeconds(Seconds) - now;
        return left > TimeSpan.Zero ? left : TimeSpan.Zero;
    }

    /// <summary>Since when a record counts as fresh: one window back from now, never before the container started (an older record is the previous run's).</summary>
    public DateTimeOffset RecordsSince(DateTimeOffset now) => new[] { StartedAt, now.AddSeconds(-Seconds) }.Max();
}
