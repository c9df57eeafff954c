using Cake.Core.Diagnostics;
using QtsOps.Core.Deployment;
using QtsOps.Core.Environments;
using QtsOps.Tools.Docker;

namespace QtsOps.Build.Deployment;

/// <summary>
/// What the steps of one deploy, verify, rollback, restore or preflight share: the engine and its host,
/// the environment, its protection and lock, the run's reporting, and the environment's state
/// (<see cref="State"/>), read in one go (one host read, one engine inspect) and again only after a step
/// changed the host (<see cref="Changed"/>).
/// </summary>
public sealed class DeploySession(DockerEngine engine, DeploymentEnvironment target, ProtectionPolicy protection, DeploymentLocks locks, RunReporting reporting)
{
    public DockerEngine Engine => engine;
    public DeploymentEnvironment Target => target;
    public ProtectionPolicy Protection => protection;
    public DeploymentLocks Locks => locks;
    public RunReporting Reporting => reporting;
    public ICakeLog Log => reporting.Log;
    public IDeploymentHost Host => engine.Host;

    /// <summary>The hosts of a run limited to some of an environment's (--hosts), this one among them: each entry recorded says so.</summary>
    public QtsOps.Core.Fleet.HostSubset? Subset { get; init; }

    public SlotLayout Layout { get; } = new(target.ContainerName, target.ComposeProject);

    private ReleaseStore? _store;

    public ReleaseStore Store => _store ??= new(Host.Resolve(target.DeployDirectory), Host.Files);

    private ReleaseHistory? _history;

    /// <summary>The history file, for appending; what it says is read with the state (<see cref="DeploymentState.History"/>).</summary>
    public ReleaseHistory History => _history ??= new(Host.Files.Combine(Host.Files.Combine(Host.StateDirectory, "history"), $"{target.Name}.jsonl"), Host.Files);

    /// <summary>The edge's folder on the host (&lt;deployDirectory&gt;/edge).</summary>
    public string EdgeFolder => Host.Files.Combine(Store.DeployDirectory, "edge");

    /// <summary>The release's /health: deploy's wait and verify ask it the same way.</summary>
    public HealthEndpoint Health => new(engine, target.HealthUrl);

    private DeploymentState? _state;

    /// <summary>The environment as it is now: read on first use, and again only after <see cref="Changed"/>.</summary>
    public DeploymentState State => _state ??= Read(newestHistoryLines: 0);

    /// <summary><see cref="State"/> read now with the history's newest <paramref name="historyLines"/> lines as well, for what shows them (status, the dashboard).</summary>
    public DeploymentState StateShowing(int historyLines) => _state = Read(historyLines);

    /// <summary>How often the state was read in this session.</summary>
    public int StateReads { get; private set; }

    /// <summary>Says the step changed the host or what runs: the next <see cref="State"/> is read again.</summary>
    public void Changed() => _state = null;

    /// <summary>
    /// Says the step pointed the edge's conf link at <paramref name="target"/> (<see cref="EdgeConfiguration"/>): the state stands, with that link,
    /// so that the next configuration is compared with what the edge has now (a canary's split, then the switch back).
    /// </summary>
    public void EdgeConfigured(string target)
    {
        if (_state is { } state) _state = state with { Host = state.Host with { EdgeConfigTarget = target } };
    }

    /// <summary>The host's part of the state alone (one host read), for a step that asks the engine nothing.</summary>
    /// <param name="newestHistoryLines">
    /// How many of the history's newest lines to read besides the entries the decisions find, which the host's script
    /// keeps however old they are (<see cref="HostState.History"/>): none for a step, which shows no history.
    /// </param>
    public HostState ReadHost(int newestHistoryLines = 0) => Host.ReadState(new HostStatePaths(Store.ReleasesDirectory, Store.CurrentLink, Host.Files.Combine(EdgeFolder, SlotLayout.ActiveLink),
        History.Path, locks.LockFile, Store.DeployDirectory, [.. Shared.All, .. WrittenFolders]), newestHistoryLines);

    /// <summary>The shared data, log and config folders on the host, in that order: whether they exist is read with the state.</summary>
    public SharedFolders Shared => SharedFolders.Of(target, Host.Resolve);

    /// <summary>The folders a deploy writes (deploy, state, backups): whether this run's user may is read with the state.</summary>
    public IReadOnlyList<string> WrittenFolders => [Host.Resolve(target.DeployDirectory), Host.StateDirectory, Host.Resolve(target.BackupDirectory)];

    /// <summary>The history's entries as <paramref name="host"/> read them.</summary>
    public IReadOnlyList<HistoryEntry> HistoryOf(HostState host) => ReleaseHistory.Parse(host.History, History.Path, reporting.WarnOnce);

    private DeploymentState Read(int newestHistoryLines)
    {
        StateReads++;
        var host = ReadHost(newestHistoryLines);
        var containers = engine.Call(DockerAliases.DockerInspectContainers, new DockerInspectContainersSettings { Containers = Layout.Containers });
        return new DeploymentState(host, HistoryOf(host), containers, Layout,
            new DeploymentIdentity(Store.DeployDirectory, target.Name));
    }

    /// <summary>Appends to the history; a write that fails (a full disk) is logged as an error and returned, never thrown: what follows (a rollback) must still run.</summary>
    /// <returns>Null when the entry was written, else what went wrong and what to do.</returns>
    public string? Record(HistoryEntry entry)
    {
        if (Subset is not null) entry = entry with { Hosts = Subset };
        // The entry is the state's too: a record changes no more than the history, which need not be read again for it.
        if (_state is { } state) _state = state with { History = [.. state.History, entry] };
        var problem = History.TryAppend(entry);
        if (problem is not null) Log.Error($"History: {problem}");
        return problem;
    }

    /// <summary>The engine's counts when the session began: the engine serves the whole run (one per run and environment), the session reports its own part.</summary>
    private readonly CommandCost _start = engine.Counts.Now();

    /// <summary>What the session cost its engine and host, and how often it read the state, for the log and the report.</summary>
    public object CostReport()
    {
        var cost = engine.Counts.Since(_start);
        return new { stateReads = StateReads, cost.EngineCalls, cost.HostScripts, cost.SshSessions, cost.SshConnections };
    }

    public string Cost => $"read the environment {StateReads} time(s); {engine.Counts.Since(_start)}";
}
