using System.Diagnostics;
using Cake.Core.Diagnostics;
using QtsOps.Core.Fleet;

namespace QtsOps.Build.Deployment.Fleet;

/// <summary>
/// verify on an environment of several hosts: each host's checklist at once, as on a single host (a failed one rolls that
/// host back as there), one row per host. A host this run's rollout verified already is not asked again.
/// </summary>
public sealed class FleetVerify(FleetRun run) : IVerifyStep
{
    public void Run()
    {
        var toVerify = run.Hosts.Where(h => !run.VerifiedHosts.Contains(h.Name)).ToList();
        if (toVerify.Count == 0)
        {
            run.Reporting.Log.Information($"Every host of the run was verified by this run's rollout: {string.Join(", ", run.Hosts.Select(h => h.Name))}");
            return;
        }
        var results = FleetRun.OnEach(toVerify, host =>
        {
            var timer = Stopwatch.StartNew();
            host.Steps.Verify().Run();
            return timer.Elapsed;
        });
        var rows = results.Select((r, index) => new HostRow(r.Host, toVerify[index].CurrentOrNull(), r.Failed ? "verify failed" : "verified", r.Value, r.Error?.Message)).ToList();
        var failed = rows.Where(r => r.Outcome != "verified").Select(r => r.Host).ToList();
        var summary = failed.Count == 0 ? $"every host verified: {string.Join(", ", rows.Select(r => r.Host))}" : $"the verify failed on {string.Join(", ", failed)}";
        run.Report("verify-hosts", failed.Count == 0 ? "passed" : "failed", summary, rows);
        if (failed.Count > 0)
            throw new PipelineException($"Verify of '{run.Environment}' failed on {string.Join(", ", failed)}: " + string.Join(" ", rows.Where(r => r.Detail is not null).Select(r => $"{r.Host}: {r.Detail}")));
        foreach (var row in rows) run.VerifiedHosts.Add(row.Host);
    }
}
