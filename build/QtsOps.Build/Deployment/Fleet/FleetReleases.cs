using QtsOps.Core.Fleet;

namespace QtsOps.Build.Deployment.Fleet;

/// <summary>releases on an environment of several hosts: each host's listing read at once, shown as one table with a row per host's release and backup.</summary>
public sealed class FleetReleases(FleetRun run) : IReleasesReport
{
    public (object Listing, string Markdown) Report()
    {
        var results = FleetRun.OnEach(run.Hosts, host => host.Steps.Reads.Releases().Read());
        var markdown = HostTable.Releases(run.Environment, [.. results.Select(r => (r.Host, r.Value, r.Error?.Message))])
            + (run.Subset is { } leftOut ? "\n" + HostTable.Subset([.. results.Select(r => r.Host)], leftOut) : "");
        return (new { environment = run.Environment, hostsLeftOut = run.LeftOut, hosts = results.Select(r => new { host = r.Host, listing = r.Value, error = r.Error?.Message }) }, markdown);
    }
}
