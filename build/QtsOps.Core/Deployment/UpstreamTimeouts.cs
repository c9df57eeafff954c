namespace QtsOps.Core.Deployment;

/// <summary>How long an edge's nginx waits on an upstream: for a connect, and between two reads of its answer.</summary>
public sealed record UpstreamTimeouts(TimeSpan Connect, TimeSpan Read)
{
    /// <summary>An edge in front of containers on its own engine: a connect is local, an answer may be slow.</summary>
    public static readonly UpstreamTimeouts Default = new(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(30));
}
