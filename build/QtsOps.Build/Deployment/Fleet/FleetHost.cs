using Cake.Core.Diagnostics;
using QtsOps.Core.Fleet;

namespace QtsOps.Build.Deployment.Fleet;

/// <summary>
/// One host of a run on several hosts, with the single-host classes Wiring makes for it, all on one session of its engine:
/// the lock the rollout takes is the one its deploy, verify and rollback then hold (<see cref="DeploymentLocks.Acquire"/>).
/// </summary>
/// <param name="Current">The release the host's deploy directory has as current, read from the host alone (no engine call).</param>
public sealed record FleetHost(EnvironmentHost Host, HostSteps Steps, Func<string, IDisposable> Lock, Func<StatusReader> Status, Func<string?> Current)
{
    public string Name => Host.Name;

    /// <summary>What the host runs now, for its row: null when it cannot be read (the row says "?").</summary>
    public string? CurrentOrNull()
    {
        try
        {
            return Current();
        }
        catch (Exception)
        {
            return null;
        }
    }
}

/// <summary>The single-host steps of one host, each made when a run uses it.</summary>
/// <param name="OnDemand">The steps a user runs on their own: rollback, restore, down, promote and abort.</param>
/// <param name="Reads">What the releases target and the dashboard read of the host.</param>
public sealed record HostSteps(Func<IPreflight> Preflight, Func<IReleaseDeployer> Deployer, Func<IVerifyStep> Verify, HostOnDemandSteps OnDemand, HostReads Reads);

/// <summary>A host's rollback, restore, down and the end of its held canary (promote, abort), each made when a run uses it.</summary>
public sealed record HostOnDemandSteps(Func<IRollbackOnDemand> Rollback, Func<IRestorer> Restore, Func<IEnvironmentTeardown> Teardown, Func<HeldCanaryEnd> CanaryEnd);

/// <summary>What is read of a host for the releases target and the dashboard, each made when a run uses it.</summary>
public sealed record HostReads(Func<ReleaseListReader> Releases, Func<IDashboardReader> Dashboard);

/// <summary>What a run on several hosts shares: the environment, the hosts --hosts left out, where it reports, what it verified.</summary>
/// <param name="LeftOut">The environment's hosts this run does not work on (--hosts): its reports say so.</param>
/// <param name="VerifiedHosts">The hosts this run's rollout verified: the verify target that follows does not ask them again.</param>
public sealed record FleetRun(string Environment, IReadOnlyList<FleetHost> Hosts, IReadOnlyList<string> LeftOut, RunReporting Reporting, ISet<string> VerifiedHosts)
{
    /// <summary>At most this many hosts are worked on at once (a group larger than that deploys in waves).</summary>
    public const int Parallelism = 8;

    public IReadOnlyList<string>? Subset => LeftOut.Count > 0 ? LeftOut : null;

    /// <summary>The same work on each of <paramref name="hosts"/> at once, each host's lines named for it; one result per host, in order.</summary>
    public static IReadOnlyList<HostResult<T>> OnEach<T>(IReadOnlyList<FleetHost> hosts, Func<FleetHost, T> work) =>
        EachHost.Run(hosts, host => host.Name, Parallelism, host => HostNamingLog.For(host.Name, () => work(host)));

    /// <summary>
    /// Every host's lock, in the one order all runs take them (no two runs can each hold what the other waits for), held until
    /// disposed and released in the reverse order; none kept when one is refused.
    /// </summary>
    /// <param name="purpose">What the lock of the host named says it is held for: "rollout of 1.2.0 to east".</param>
    /// <param name="notStarted">The error's first words when a lock is refused: "The rollout of 1.2.0 to 'fleet' did not start; nothing was deployed on any host".</param>
    public IDisposable LockAll(Func<string, string> purpose, string notStarted)
    {
        var held = new Locks();
        try
        {
            foreach (var host in LockOrder.Of(Hosts.Select(h => h.Host)))
                held.Add(Hosts.First(h => h.Name == host.Name).Lock(purpose(host.Name)));
            return held;
        }
        catch (Exception exception)
        {
            held.Dispose();
            throw new PipelineException($"{notStarted}: {exception.Message}");
        }
    }

    /// <summary>The locks of the run's hosts, released in the reverse order.</summary>
    private sealed class Locks : IDisposable
    {
        private readonly List<IDisposable> _held = [];

        public void Add(IDisposable held) => _held.Add(held);

        public void Dispose()
        {
            for (var index = _held.Count - 1; index >= 0; index--) _held[index].Dispose();
            _held.Clear();
        }
    }

    /// <summary>The error of a step on each host (artifacts/reports/ACTION-hosts.md) that failed on <paramref name="failed"/>: every one named, with why.</summary>
    public PipelineException FailedOn(string action, IReadOnlyList<string> failed, IReadOnlyList<HostRow> rows) =>
        new($"The {action} of '{Environment}' failed on {string.Join(", ", failed)}: " +
            string.Join(" ", rows.Where(r => r.Detail is not null).Select(r => $"{r.Host}: {r.Detail}")) + $" The other hosts' rows: artifacts/reports/{action}-hosts.md.");

    /// <summary>Writes artifacts/reports/<paramref name="report"/>.json and .md, the step summary's section and the log's table.</summary>
    public void Report(string report, string status, string summary, IReadOnlyList<HostRow> rows)
    {
        var markdown = HostTable.Markdown(report, Environment, summary, rows, Subset);
        Reporting.Write(report, status, new { environment = Environment, summary, hostsLeftOut = LeftOut, hosts = rows.Select(r => new { r.Host, r.Release, r.Outcome, seconds = r.Duration?.TotalSeconds, r.Detail }) }, markdown, []);
        Reporting.AddSummarySection($"{report} ({Environment})", markdown);
        Reporting.Log.Information(markdown);
    }
}
