using QtsOps.Core.Deployment;
using QtsOps.Core.Fleet;

namespace QtsOps.Build.Deployment.Fleet;

/// <summary>status of an environment of several hosts: each host read at once, shown as a table of hosts with drift called out, then each host's lock and history.</summary>
public sealed class FleetStatus(FleetRun run) : IEnvironmentStatus
{
    public (object Status, string Markdown) Report(int historyEntries)
    {
        var results = FleetRun.OnEach(run.Hosts, host => host.Status().Read(historyEntries));
        var hosts = results.Select(r => (r.Host, r.Value, r.Error?.Message)).ToList();
        var markdown = HostTable.Status(run.Environment, hosts)
            + (run.Subset is { } leftOut ? "\n" + HostTable.Subset([.. hosts.Select(h => h.Host)], leftOut) : "")
            + string.Concat(results.Where(r => r.Value is not null).Select(r => $"\n## {r.Host}\n\n{r.Value!.Summary}.\n\n" +
                (r.Value.HeldCanary is { } canary ? $"{canary}.\n\n" : "") +
                string.Concat(DeploymentStatus.LockAndHistoryLines(r.Value.LastVerified, r.Value.Lock, r.Value.History).Select(line => $"- {line}\n"))));
        return (new { environment = run.Environment, drift = HostTable.Drift(hosts), hostsLeftOut = run.LeftOut, hosts = results.Select(r => new { host = r.Host, status = r.Value, error = r.Error?.Message }) }, markdown);
    }
}
