using QtsOps.Core.Fleet;

namespace QtsOps.Build.Deployment.Fleet;

/// <summary>What one host's share of a run came to: its value, or the error that ended it.</summary>
public sealed record HostResult<T>(EnvironmentHost Host, T? Value, Exception? Error)
{
    public bool Failed => Error is not null;
}

/// <summary>
/// The same work on several hosts at once (preflight, a group's deploys, status), at most <c>parallelism</c> at a
/// time: every host runs to its end whatever the others do, so one error can name every host's problem.
/// </summary>
public static class EachHost
{
    /// <returns>One result per host, in <paramref name="hosts"/>' order.</returns>
    public static IReadOnlyList<HostResult<T>> Run<T>(IReadOnlyList<EnvironmentHost> hosts, int parallelism, Func<EnvironmentHost, T> work)
    {
        var results = new HostResult<T>[hosts.Count];
        Parallel.For(0, hosts.Count, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, parallelism) }, index =>
        {
            try
            {
                results[index] = new(hosts[index], work(hosts[index]), null);
            }
            catch (Exception error)
            {
                results[index] = new(hosts[index], default, error);
            }
        });
        return results;
    }
}
