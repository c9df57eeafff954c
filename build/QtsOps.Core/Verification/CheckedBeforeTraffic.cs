using System.Globalization;

namespace QtsOps.Core.Verification;

/// <summary>
/// What a start-first deploy's check before traffic saw of its slot, and when. The verify that follows in
/// the same run reuses what was read inside the container (environment, mounts, resources, records,
/// disk) when the container that serves is that one, not replaced or restarted since and checked
/// moments ago: those do not change with traffic. What does is asked again: the engine's state and
/// restarts, /health as it is served, and the logs.
/// </summary>
/// <param name="At">When the evidence was gathered.</param>
public sealed record CheckedBeforeTraffic(VerifyEvidence Evidence, bool Passed, DateTimeOffset At)
{
    /// <summary>The checks judged on reused evidence.</summary>
    public static readonly IReadOnlyList<string> ReusedChecks = ["environment", "mounts", "resources", "data-records", "disk"];

    /// <summary>Older evidence is gathered again: a deploy and its verify are seconds apart.</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(60);

    /// <summary>Why the evidence cannot stand for <paramref name="container"/> as it runs now, or null when it can.</summary>
    public string? WhyNotReused(string containerName, ContainerEvidence? container, DateTimeOffset now)
    {
        if (!Passed) return "it failed";
        if (containerName != Evidence.ContainerName) return $"it checked {Evidence.ContainerName}, not {containerName}";
        if (container is null || Evidence.Container is not { } checkedThen) return $"there is no container {containerName}";
        if (container.Id != checkedThen.Id) return $"{containerName} was replaced since";
        if (!container.Running || container.StartedAt != checkedThen.StartedAt || container.RestartCount != checkedThen.RestartCount)
            return $"{containerName} stopped or restarted since";
        var age = now - At;
        if (age > MaxAge || age < TimeSpan.Zero) return $"it was {age.TotalSeconds.ToString("0", CultureInfo.InvariantCulture)} s ago (at most {MaxAge.TotalSeconds:0} s)";
        return null;
    }

    /// <summary>The evidence for verify: the container's state, /health and the logs as they are now, the rest as checked before traffic.</summary>
    public VerifyEvidence With(ContainerEvidence container, HttpEvidence health, IReadOnlyList<string> logLines) =>
        Evidence with { Container = container, HealthEndpoint = health, LogLines = logLines };

    /// <summary>The checks, each judged on reused evidence saying so (a report must not pass off old evidence as new).</summary>
    public IReadOnlyList<CheckResult> Marked(IReadOnlyList<CheckResult> checks, DateTimeOffset now) =>
        [.. checks.Select(check => ReusedChecks.Contains(check.Name)
            ? check with { Evidence = $"{check.Evidence} (checked before traffic, {(now - At).TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)} s earlier, same container)" }
            : check)];
}
