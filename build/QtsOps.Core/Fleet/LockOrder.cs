namespace QtsOps.Core.Fleet;

/// <summary>
/// The order a run takes its hosts' deployment locks in: one total order over every host there is, by
/// engine then deploy directory (ordinal), whatever order the run named them in. Two runs that both
/// need hosts A and B then both wait for A first, so neither can hold B while waiting for A.
/// </summary>
public static class LockOrder
{
    public static IReadOnlyList<EnvironmentHost> Of(IEnumerable<EnvironmentHost> hosts) =>
        [.. hosts.OrderBy(h => h.Environment.DockerHost, StringComparer.Ordinal).ThenBy(h => h.Environment.DeployDirectory, StringComparer.Ordinal)];
}
