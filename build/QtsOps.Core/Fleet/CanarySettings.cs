namespace QtsOps.Core.Fleet;

/// <summary>
/// environments.json's "canary": the share of requests the new release takes beside the stable one, for
/// how long, and what it must show to be promoted (issue 24, point 5).
/// </summary>
/// <param name="MaxErrorRate">How far the canary's error rate (5xx per request) may exceed the stable release's, 0 to 1.</param>
/// <param name="MaxLatencyRatio">How many times the stable release's p95 latency the canary's may be.</param>
public sealed record CanarySettings(int Percent, int Seconds, double MaxErrorRate, double MaxLatencyRatio, int MinRequests)
{
    public const string Key = "canary";

    public const string Example = "{\"percent\": 10, \"seconds\": 60, \"maxErrorRate\": 0.01, \"maxLatencyRatio\": 2.0, \"minRequests\": 50}";
}
