using System.Diagnostics;
using QtsOps.Core.Fleet;

namespace QtsOps.Build.Deployment.Fleet;

/// <summary>
/// rollback and restore on an environment of several hosts: each host of the run does the single-host step at once
/// (back to its own last verified release or --to; its own newest backup or --backup), verified there as on a single
/// host; one row per host, and one error naming every host it failed on.
/// </summary>
/// <param name="action">"rollback", "restore": the report is artifacts/reports/ACTION-hosts.md.</param>
/// <param name="done">What a host that succeeded shows: "rolled back".</param>
public sealed class FleetSteps(FleetRun run, string action, string done, Func<FleetHost, Action> step, Func<FleetHost, Action> preview) : IRollbackOnDemand, IRestorer
{
    public void Run()
    {
        var results = FleetRun.OnEach(run.Hosts, host =>
        {
            var timer = Stopwatch.StartNew();
            step(host)();
            return timer.Elapsed;
        });
        var rows = results.Select((r, index) => new HostRow(r.Host.Name, run.Hosts[index].CurrentOrNull(), r.Failed ? $"{action} failed" : done, r.Value, r.Error?.Message)).ToList();
        var failed = rows.Where(r => r.Outcome != done).Select(r => r.Host).ToList();
        run.Report($"{action}-hosts", failed.Count == 0 ? done : "failed",
            failed.Count == 0 ? $"every host of the run {done}, verified" : $"the {action} failed on {string.Join(", ", failed)}", rows);
        if (failed.Count > 0)
            throw new PipelineException($"The {action} of '{run.Environment}' failed on {string.Join(", ", failed)}: " +
                string.Join(" ", rows.Where(r => r.Detail is not null).Select(r => $"{r.Host}: {r.Detail}")));
    }

    /// <summary>What each host would do; changes nothing.</summary>
    public void Preview()
    {
        foreach (var host in run.Hosts) HostNamingLog.For(host.Name, () =>
        {
            preview(host)();
            return true;
        });
    }
}
