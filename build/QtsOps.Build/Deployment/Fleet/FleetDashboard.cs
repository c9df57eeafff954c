using QtsOps.Core.Pages;

namespace QtsOps.Build.Deployment.Fleet;

/// <summary>
/// The dashboard's part of an environment of several hosts: each host read at once by its own single-host reader, one part
/// per host, named ENVIRONMENT/HOST; a host that cannot be read is shown as unreachable, with why, beside the others.
/// </summary>
public sealed class FleetDashboard(FleetRun run)
{
    public IReadOnlyList<EnvironmentDashboard> Read(int historyEntries) =>
        [.. FleetRun.OnEach(run.Hosts, host => host.Steps.Reads.Dashboard().Read(historyEntries)).Select(result => result.Value is { } read
            ? read with { Name = NameOf(result.Host) }
            : EnvironmentDashboard.Failed(NameOf(result.Host), result.Error!.Message))];

    private string NameOf(string host) => $"{run.Environment}/{host}";
}
