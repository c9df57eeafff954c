using System.Globalization;

namespace QtsOps.Core.Fleet;

/// <summary>What one side answered over the canary's window: requests, server errors, their rate, and the p95 response time (null without requests).</summary>
public sealed record CanarySide(int Requests, int Errors, double ErrorRate, double? P95Seconds)
{
    public static CanarySide Of(IReadOnlyList<CanaryLogLine> lines)
    {
        if (lines.Count == 0) return new(0, 0, 0, null);
        var errors = lines.Count(l => l.Failed);
        var times = lines.Select(l => l.Seconds).Order().ToList();
        // Nearest rank: the smallest time that 95% of the requests took no longer than.
        return new(lines.Count, errors, (double)errors / lines.Count, times[(int)Math.Ceiling(0.95 * times.Count) - 1]);
    }

    /// <summary>A rate as a percentage with one decimal (20.0%: the invariant culture's P1 writes "20.0 %").</summary>
    public static string Percent(double rate) => string.Create(CultureInfo.InvariantCulture, $"{rate * 100:0.0}%");

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Requests} requests, {Errors} errors ({Percent(ErrorRate)}), p95 {(P95Seconds is { } p95 ? $"{p95 * 1000:0} ms" : "-")}");
}

public enum CanaryOutcome { Promote, Withdraw }

/// <summary>The canary's verdict, why, and both sides' figures for the report.</summary>
public sealed record CanaryVerdict(CanaryOutcome Outcome, string Reason, CanarySide Stable, CanarySide Canary);

/// <summary>Promote or withdraw a canary on what the edge logged over its window (issue 24, point 5).</summary>
public static class CanaryJudgement
{
    /// <param name="lines">The access log's lines; those outside [<paramref name="from"/>, <paramref name="to"/>] and those that are no request are left out.</param>
    public static CanaryVerdict Judge(IEnumerable<string> lines, CanarySettings settings, DateTimeOffset from, DateTimeOffset to)
    {
        var window = lines.Select(CanaryLogLine.Parse).OfType<CanaryLogLine>().Where(l => l.Time >= from && l.Time <= to).ToList();
        var stable = CanarySide.Of([.. window.Where(l => !l.ToCanary)]);
        var canary = CanarySide.Of([.. window.Where(l => l.ToCanary)]);
        CanaryVerdict Withdraw(string reason) => new(CanaryOutcome.Withdraw, reason, stable, canary);
        var f = CultureInfo.InvariantCulture;
        if (canary.Requests < settings.MinRequests)
            return Withdraw(string.Create(f, $"the canary answered {canary.Requests} requests, fewer than minRequests {settings.MinRequests}: too few to judge"));
        if (canary.ErrorRate > stable.ErrorRate + settings.MaxErrorRate)
            return Withdraw(string.Create(f, $"the canary's error rate {CanarySide.Percent(canary.ErrorRate)} exceeds the stable release's {CanarySide.Percent(stable.ErrorRate)} by more than maxErrorRate {CanarySide.Percent(settings.MaxErrorRate)}"));
        if (stable.P95Seconds is { } stableP95 && canary.P95Seconds > stableP95 * settings.MaxLatencyRatio)
            return Withdraw(string.Create(f, $"the canary's p95 {canary.P95Seconds * 1000:0} ms is more than maxLatencyRatio {settings.MaxLatencyRatio} times the stable release's {stableP95 * 1000:0} ms"));
        return new(CanaryOutcome.Promote, stable.P95Seconds is null
            ? "the canary's error rate is within maxErrorRate; the stable release answered nothing in the window to compare latency with"
            : "the canary's error rate and p95 latency are within maxErrorRate and maxLatencyRatio of the stable release's", stable, canary);
    }
}
