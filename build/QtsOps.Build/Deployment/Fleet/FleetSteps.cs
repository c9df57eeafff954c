using System.Diagnostics;
using QtsOps.Core.Fleet;

namespace QtsOps.Build.Deployment.Fleet;

/// <summary>
/// rollback, restore and down on an environment of several hosts: every host's lock taken first, in the one order all runs
/// take them (nothing starts on any host while another run holds one), then each host of the run does the single-host step
/// at once (back to its own last verified release or --to; its own newest backup or --backup, verified there as on a
/// single host; its containers removed), recording it in its own history. Every host runs to its end whatever the others
/// do: one row per host, and one error naming every host it failed on.
/// </summary>
/// <param name="preview">What a host would do (--dry-run); null for a step that has none (down).</param>
public sealed class FleetSteps(FleetRun run, FleetStepWords words, Func<FleetHost, Action> step, Func<FleetHost, Action>? preview = null)
    : IRollbackOnDemand, IRestorer, IEnvironmentTeardown
{
    public void Run()
    {
        using var locks = run.LockAll(host => $"{words.Action} on {host}", $"The {words.Action} of '{run.Environment}' did not start; nothing was changed on any host");
        var results = FleetRun.OnEach(run.Hosts, host =>
        {
            var timer = Stopwatch.StartNew();
            step(host)();
            return timer.Elapsed;
        });
        var rows = results.Select((r, index) => new HostRow(r.Host, run.Hosts[index].CurrentOrNull(), r.Failed ? $"{words.Action} failed" : words.Done, r.Value, r.Error?.Message)).ToList();
        var failed = rows.Where(r => r.Outcome != words.Done).Select(r => r.Host).ToList();
        run.Report($"{words.Action}-hosts", failed.Count == 0 ? words.Done : "failed", failed.Count == 0 ? words.AllDone : $"the {words.Action} failed on {string.Join(", ", failed)}", rows);
        if (failed.Count > 0) throw run.FailedOn(words.Action, failed, rows);
    }

    /// <summary>What each host would do; changes nothing.</summary>
    public void Preview()
    {
        if (preview is null) throw new InvalidOperationException($"{words.Action} has no preview");
        foreach (var host in run.Hosts) HostNamingLog.For(host.Name, () =>
        {
            preview(host)();
            return true;
        });
    }
}

/// <summary>How a step on several hosts is named in its report.</summary>
/// <param name="Action">"rollback", "restore", "down": the report is artifacts/reports/ACTION-hosts.md.</param>
/// <param name="Done">What a host that succeeded shows: "rolled back".</param>
/// <param name="AllDone">The report's summary when every host succeeded: "every host of the run rolled back, verified".</param>
public sealed record FleetStepWords(string Action, string Done, string AllDone);
