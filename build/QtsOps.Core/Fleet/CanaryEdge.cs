using System.Globalization;
using QtsOps.Core.Deployment;

namespace QtsOps.Core.Fleet;

/// <summary>
/// The edge's configuration while a canary runs: the same nginx file as a switch's (<see cref="SlotLayout.NginxConfig"/>),
/// with the requests split between the stable slot and the canary's, and each request logged with the side that
/// answered, its status and time, which <see cref="CanaryLogLine"/> reads back.
/// </summary>
public static class CanaryEdge
{
    /// <summary>The access log inside the edge container, read by the pipeline over the canary's window.</summary>
    public const string AccessLog = "/tmp/qtsops-canary.log";

    /// <summary>Fields in order: time (seconds since the epoch, ms), side, status, response time (s), upstream address(es) last, as they may hold ", ".</summary>
    public const string LogFormat = "$msec $canary_side $status $request_time $upstream_addr";

    public static string NginxConfig(SlotLayout layout, Slot stable, int percent) => SlotLayout.NginxConfig(
        [$"Written by QtsOps for a canary: {percent}% of requests to slot {SlotName(SlotLayout.Other(stable))}, the rest to slot {SlotName(stable)},",
         $"each logged to {AccessLog} with the side that answered, until it is promoted or withdrawn."],
        [
            $"log_format qtsops_canary '{LogFormat}';",
            // Per request ($request_id is random), not per client: every client sees the canary's share.
            $"split_clients \"${{request_id}}\" $canary_side {{ {percent.ToString(CultureInfo.InvariantCulture)}% {CanaryLogLine.Canary}; * {CanaryLogLine.Stable}; }}",
            layout.Upstream(stable, CanaryLogLine.Stable).TrimEnd('\n'),
            layout.Upstream(SlotLayout.Other(stable), CanaryLogLine.Canary).TrimEnd('\n'),
        ],
        [$"access_log {AccessLog} qtsops_canary;", "proxy_pass http://$canary_side;"]);

    private static string SlotName(Slot slot) => slot.ToString().ToLowerInvariant();
}
