namespace QtsOps.Core.Verification;

/// <summary>
/// The settle window from a container's start: restarts and records are judged only after it, so a
/// service that crashes or stalls soon after starting is caught, not passed while it still looks fine.
/// Records count from the container's start, not from one window back: the window can be shorter than
/// the service's record interval (local's is), and /health judges the records' freshness against that.
/// </summary>
public sealed record SettleWindow(DateTimeOffset StartedAt, int Seconds)
{
    /// <summary>When the window ends, by the engine's clock.</summary>
    public DateTimeOffset End => StartedAt.AddSeconds(Seconds);

    /// <summary>How long verify still waits before it judges; zero once the window has passed.</summary>
    public TimeSpan LeftAt(DateTimeOffset now)
    {
        var left = End - now;
        return left > TimeSpan.Zero ? left : TimeSpan.Zero;
    }
}
