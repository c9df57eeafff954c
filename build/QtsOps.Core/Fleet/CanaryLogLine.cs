using System.Globalization;

namespace QtsOps.Core.Fleet;

/// <summary>One request as the canary's access log records it (<see cref="CanaryEdge.LogFormat"/>).</summary>
public sealed record CanaryLogLine(DateTimeOffset Time, bool ToCanary, int Status, double Seconds, string Upstream)
{
    public const string Stable = "stable";
    public const string Canary = "canary";

    /// <summary>An answer the canary is judged on as failed: a server error, the edge's own (502, 504) included.</summary>
    public bool Failed => Status >= 500;

    /// <summary>The request a log line records; null for a line that is not one (a line nginx was still writing when read).</summary>
    public static CanaryLogLine? Parse(string line)
    {
        var fields = line.Trim().Split(' ', 5);
        if (fields.Length != 5 || fields[1] is not (Stable or Canary)
            || !decimal.TryParse(fields[0], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var epoch)
            || !int.TryParse(fields[2], NumberStyles.None, CultureInfo.InvariantCulture, out var status)
            || !double.TryParse(fields[3], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var seconds))
            return null;
        return new(DateTimeOffset.FromUnixTimeMilliseconds((long)(epoch * 1000)), fields[1] == Canary, status, seconds, fields[4]);
    }
}
