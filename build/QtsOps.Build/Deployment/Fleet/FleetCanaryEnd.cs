using System.Diagnostics;
using QtsOps.Core.Fleet;

namespace QtsOps.Build.Deployment.Fleet;

/// <summary>
/// promote and abort on an environment of several hosts (issue 24, point 5): every host's lock taken first, in the one order all
/// runs take them, then each host that holds a canary (the first group's, after deploy --canary-hold) ends it at once as a single
/// host does (<see cref="HeldCanaryEnd"/>), recording the deploy there; a host that holds none is left alone and said so. One row
/// per host (artifacts/reports/promote-hosts.md or abort-hosts.md), and one error naming every host the end failed on.
/// </summary>
public sealed class FleetCanaryEnd(FleetRun run) : ICanaryEnd
{
    private const string NoCanary = "no canary held";

    public void Promote() => End("promote", "promoted", end => end.Promote, (ended, others, releases) =>
        $"{Names(ended)} now run {releases}" + (others.Count == 0 ? "" :
            $"; {Names(others)} held no canary and still run their release: {RolloutPlan.RestAfterPromote(releases)} to them (the hosts already on it are skipped: already ran it)"));

    public void Abort() => End("abort", "aborted", end => end.Abort, (ended, others, releases) =>
        $"{Names(ended)} withdrew the canary of {releases}, recorded as failed, and run their previous release again" +
        (others.Count == 0 ? "" : $"; {Names(others)} held no canary and were left alone"));

    /// <param name="done">What a host that ended its canary shows: "promoted".</param>
    /// <param name="summary">The report's summary from the hosts that ended a canary, the others, and the canaries' releases.</param>
    private void End(string action, string done, Func<HeldCanaryEnd, Action> end, Func<IReadOnlyList<string>, IReadOnlyList<string>, string, string> summary)
    {
        using var locks = run.LockAll(host => $"{action} the held canary on {host}", $"The {action} of '{run.Environment}' did not start; nothing was changed on any host");
        var results = FleetRun.OnEach(run.Hosts, host =>
        {
            var timer = Stopwatch.StartNew();
            var canaryEnd = host.Steps.OnDemand.CanaryEnd();
            if (canaryEnd.Held() is not { } held) return (Release: (string?)null, timer.Elapsed);
            end(canaryEnd)();
            return (Release: held.Pending.Release, timer.Elapsed);
        });
        var rows = results.Select((r, index) => new HostRow(r.Host, run.Hosts[index].CurrentOrNull(),
            r.Failed ? $"{action} failed" : r.Value.Release is null ? NoCanary : done, r.Failed ? null : r.Value.Elapsed, r.Error?.Message)).ToList();
        var failed = rows.Where(r => r.Outcome == $"{action} failed").Select(r => r.Host).ToList();
        var ended = rows.Where(r => r.Outcome == done).Select(r => r.Host).ToList();
        if (failed.Count == 0 && ended.Count == 0)
            throw new PipelineException($"No canary is held on any host of '{run.Environment}' ({Names(rows.Select(r => r.Host))}): there is nothing to {action}. " +
                "A canary is held by ./build.sh --target=deploy --strategy=canary --canary-hold.");
        var releases = Names(results.Where(r => !r.Failed && r.Value.Release is not null).Select(r => r.Value.Release!).Distinct());
        var others = rows.Where(r => r.Outcome == NoCanary).Select(r => r.Host).ToList();
        run.Report($"{action}-hosts", failed.Count == 0 ? done : "failed", failed.Count == 0 ? summary(ended, others, releases)
            : $"the {action} failed on {Names(failed)}" + (ended.Count > 0 ? $"; {summary(ended, others, releases)}" : ""), rows);
        if (failed.Count > 0) throw run.FailedOn(action, failed, rows);
    }

    private static string Names(IEnumerable<string> hosts) => string.Join(", ", hosts);
}
