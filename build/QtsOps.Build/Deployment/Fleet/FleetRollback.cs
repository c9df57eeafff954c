using System.Diagnostics;
using Cake.Core.Diagnostics;
using QtsOps.Core.Fleet;

namespace QtsOps.Build.Deployment.Fleet;

/// <summary>
/// rollback on an environment of several hosts: each host of the run back to its own last verified release (or --to) and
/// verified there, at once, as on a single host; one row per host.
/// </summary>
public sealed class FleetRollback(FleetRun run) : IRollbackOnDemand
{
    public void Run()
    {
        var results = FleetRun.OnEach(run.Hosts, host =>
        {
            var timer = Stopwatch.StartNew();
            host.Rollback().Run();
            return timer.Elapsed;
        });
        var rows = results.Select((r, index) => new HostRow(r.Host.Name, run.Hosts[index].CurrentOrNull(), r.Failed ? "rollback failed" : "rolled back", r.Value, r.Error?.Message)).ToList();
        var failed = rows.Where(r => r.Outcome != "rolled back").Select(r => r.Host).ToList();
        run.Report("rollback-hosts", failed.Count == 0 ? "rolled back" : "failed",
            failed.Count == 0 ? "every host runs its last verified release (or --to), verified" : $"the rollback failed on {string.Join(", ", failed)}", rows);
        if (failed.Count > 0)
            throw new PipelineException($"Rollback of '{run.Environment}' failed on {string.Join(", ", failed)}: " + string.Join(" ", rows.Where(r => r.Detail is not null).Select(r => $"{r.Host}: {r.Detail}")));
    }

    /// <summary>What each host would put back; changes nothing.</summary>
    public void Preview()
    {
        foreach (var host in run.Hosts) HostNamingLog.For(host.Name, () =>
        {
            host.Rollback().Preview();
            return true;
        });
    }
}
