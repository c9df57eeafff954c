namespace QtsOps.Build.Deployment.Fleet;

/// <summary>What one host's share of a run came to: its value, or the error that ended it.</summary>
/// <param name="Host">The host's name.</param>
public sealed record HostResult<T>(string Host, T? Value, Exception? Error)
{
    public bool Failed => Error is not null;
}

/// <summary>
/// The same work on several hosts at once (preflight, a group's deploys, status), at most <c>parallelism</c> at a
/// time: every host runs to its end whatever the others do, so one error can name every host's problem.
/// </summary>
public static class EachHost
{
    /// <param name="name">The host's name, for its result.</param>
    /// <returns>One result per host, in <paramref name="hosts"/>' order.</returns>
    public static IReadOnlyList<HostResult<T>> Run<THost, T>(IReadOnlyList<THost> hosts, Func<THost, string> name, int parallelism, Func<THost, T> work)
    {
        var results = new HostResult<T>[hosts.Count];
        Parallel.For(0, hosts.Count, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, parallelism) }, index =>
        {
            try
            {
                results[index] = new(name(hosts[index]), work(hosts[index]), null);
            }
            catch (Exception error)
            {
                results[index] = new(name(hosts[index]), default, error);
            }
        });
        return results;
    }
}
