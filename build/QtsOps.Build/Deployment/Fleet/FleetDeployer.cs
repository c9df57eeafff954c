using System.Diagnostics;
using Cake.Core.Diagnostics;
using QtsOps.Core.Deployment;
using QtsOps.Core.Fleet;

namespace QtsOps.Build.Deployment.Fleet;

/// <summary>
/// deploy on an environment of several hosts (issue 24, points 3 and 4): the locks of every host of the run taken in
/// <see cref="LockOrder"/> and held to the end, however it ends; the hosts cut into groups (<see cref="RolloutPlan"/>), each
/// group deployed and verified on its hosts at once, the next only once the whole group verified. A host that fails stops
/// the rollout: with automatic rollback every host switched goes back to its last verified release; without, the run fails
/// saying which host runs what. A signal stops it after the group in progress, and so does a canary the first group's hosts
/// hold (--canary-hold), until promote or abort end it. Each host deploys, verifies and records its own history exactly as a
/// single-host environment does.
/// </summary>
/// <param name="release">The release this run deploys (its version tag).</param>
/// <param name="force">--force-deploy: a host that already runs the release deploys it again.</param>
/// <param name="automaticRollback">False with --no-rollback (or "automaticRollback": false).</param>
public sealed class FleetDeployer(FleetRun run, string release, RolloutSettings rollout, bool force, bool automaticRollback) : IReleaseDeployer
{
    private ICakeLog Log => run.Reporting.Log;

    /// <summary>Null: whether each host already runs the release is asked host by host, under the rollout's locks.</summary>
    public string? AlreadyRunning() => null;

    public void Run()
    {
        var groups = RolloutPlan.Groups([.. run.Hosts.Select(h => h.Host)], rollout);
        var byName = run.Hosts.ToDictionary(h => h.Name, StringComparer.Ordinal);
        Log.Information($"Rolling {release} out to {run.Hosts.Count} host(s) of '{run.Environment}' in {groups.Count} group(s): " +
            string.Join("; ", groups.Select(g => string.Join(", ", g.Select(h => h.Name)))));
        using var locks = run.LockAll(host => $"rollout of {release} to {host}", $"The rollout of {release} to '{run.Environment}' did not start; nothing was deployed on any host");
        using var interruption = Interruption.WatchBetweenSteps(Log, $"the rollout of {release} after the group in progress (its hosts finish their deploy and verify, or their rollback)");
        var outcomes = new List<HostOutcome>();
        var rows = new Dictionary<string, HostRow>(StringComparer.Ordinal);
        for (var index = 0; index < groups.Count; index++)
        {
            var group = groups[index];
            foreach (var (result, (outcome, row)) in FleetRun.OnEach([.. group.Select(h => byName[h.Name])], DeployAndVerify).Select(r => (r, r.Value)))
            {
                outcomes.Add(outcome);
                rows[result.Host] = row;
                if (outcome.Verified) run.VerifiedHosts.Add(result.Host);
            }
            var decision = RolloutPlan.After(groups, index, outcomes, rollout, automaticRollback, release, interruption.Signal);
            switch (decision.Action)
            {
                case RolloutAction.Finished:
                    Report("deployed", decision.Summary, rows);
                    if (interruption.IsRequested)
                        throw new PipelineException($"{interruption.Signal} came during the last group: {decision.Summary}; the run stops here.");
                    return;
                case RolloutAction.Hold:
                    Report("canary-held", decision.Summary, rows);
                    if (interruption.IsRequested)
                        throw new PipelineException($"{interruption.Signal} came while the first group's canary started: {decision.Summary}; the run stops here.");
                    return;
                case RolloutAction.Interrupted:
                    Report("interrupted", decision.Summary, rows);
                    throw new PipelineException($"Rollout of {release} to '{run.Environment}' interrupted: {decision.Summary} (artifacts/reports/deploy-hosts.md).");
                case RolloutAction.Continue:
                    Log.Information(decision.Summary);
                    if (decision.WaitSeconds > 0) Thread.Sleep(TimeSpan.FromSeconds(decision.WaitSeconds));
                    break;
                case RolloutAction.RollBack:
                    // A host that failed was put back by its own deploy or verify, as on one engine; the others switched go back here.
                    var stuck = RollBack([.. decision.HostsToRollBack.Except(decision.FailedHosts)], byName, rows);
                    // A host that holds its canary stays on the release until promote or abort, which the summary says.
                    var summary = decision.Summary + (stuck.Count > 0 ? $", but the rollback failed on {string.Join(", ", stuck)}, which still run {release} (./build.sh --target=status shows each host)"
                        : decision.HostsOnRelease.Count == 0 ? $", so no host is left on {release}" : "");
                    Report("failed", summary, rows);
                    throw new PipelineException($"Rollout of {release} to '{run.Environment}' stopped: {summary}. {Failures([.. decision.FailedHosts, .. stuck], rows)}");
                case RolloutAction.StopMixed:
                    Report("failed", decision.Summary, rows);
                    throw new PipelineException($"Rollout of {release} to '{run.Environment}' stopped: {decision.Summary}. {Failures(decision.FailedHosts, rows)}");
            }
        }
    }

    /// <summary>One host's share: its deploy (which puts its previous release back itself when the release fails there), then its verify.</summary>
    private (HostOutcome Outcome, HostRow Row) DeployAndVerify(FleetHost host)
    {
        var timer = Stopwatch.StartNew();
        var deployer = host.Steps.Deployer();
        if (!force && deployer.AlreadyRunning() is { } reason)
        {
            Log.Information($"{release} already runs there: {reason}");
            return (new HostOutcome(host.Name, Switched: false, Verified: true), new HostRow(host.Name, release, "already ran it", timer.Elapsed, reason));
        }
        try
        {
            deployer.Run();
        }
        catch (Exception exception)
        {
            return (new HostOutcome(host.Name, Switched: false, Verified: false), new HostRow(host.Name, host.CurrentOrNull(), "deploy failed", timer.Elapsed, exception.Message));
        }
        // A canary held (--canary-hold) was verified before it took its share, and is judged by a look: promote or abort end it.
        if (deployer.HeldCanary is { } held)
            return (new HostOutcome(host.Name, Switched: false, Verified: true, Held: true),
                new HostRow(host.Name, release, "canary held", timer.Elapsed, $"{held.Percent}% of requests, beside {held.StableRelease ?? "?"}; {held.Verdict}"));
        try
        {
            host.Steps.Verify().Run();
            return (new HostOutcome(host.Name, Switched: true, Verified: true), new HostRow(host.Name, release, "verified", timer.Elapsed));
        }
        catch (Exception exception)
        {
            return (new HostOutcome(host.Name, Switched: true, Verified: false), new HostRow(host.Name, host.CurrentOrNull(), "verify failed", timer.Elapsed, exception.Message));
        }
    }

    /// <summary>Each host switched in this run back to its own last verified release, at once, each verified there.</summary>
    /// <returns>The hosts whose rollback failed (one with no earlier verified release, say): they still run the release.</returns>
    private IReadOnlyList<string> RollBack(IReadOnlyList<string> hosts, Dictionary<string, FleetHost> byName, Dictionary<string, HostRow> rows)
    {
        var timers = hosts.ToDictionary(h => h, _ => Stopwatch.StartNew());
        var stuck = new List<string>();
        foreach (var result in FleetRun.OnEach([.. hosts.Select(h => byName[h])], host =>
        {
            host.Steps.OnDemand.Rollback().Run();
            return true;
        }))
        {
            var before = rows[result.Host];
            rows[result.Host] = before with
            {
                Release = byName[result.Host].CurrentOrNull(),
                Outcome = result.Failed ? $"{before.Outcome}; rollback failed" : $"{before.Outcome}; rolled back",
                Duration = before.Duration + timers[result.Host].Elapsed,
                Detail = string.Join(" ", new[] { before.Detail, result.Error?.Message }.OfType<string>()),
            };
            if (result.Failed) stuck.Add(result.Host);
        }
        return stuck;
    }

    private void Report(string status, string summary, Dictionary<string, HostRow> rows) =>
        run.Report("deploy-hosts", status, summary,
            [.. run.Hosts.Select(h => rows.TryGetValue(h.Name, out var row) ? row : new HostRow(h.Name, h.CurrentOrNull(), "not reached", null))]);

    private static string Failures(IReadOnlyList<string> failed, Dictionary<string, HostRow> rows) =>
        string.Join(" ", failed.Select(host => $"{host}: {rows[host].Detail}"));
}
