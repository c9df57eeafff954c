using Cake.Core.Diagnostics;
using QtsOps.Core.Deployment;
using QtsOps.Core.Environments;
using QtsOps.Tools.Docker;

namespace QtsOps.Build.Deployment;

/// <summary>
/// The down target: stops and removes the environment's containers (the single one, the edge, both
/// slots) under the deploy lock, and records it. Data, logs, config, releases, backups and history
/// stay, so a deploy or a rollback brings the service back; verify says it was taken down.
/// </summary>
public sealed class EnvironmentTeardown(DeploySession session) : IEnvironmentTeardown
{
    private ICakeLog Log => session.Log;

    public void Run()
    {
        var (engine, target) = (session.Engine, session.Target);
        session.Protection.Require(target.Name, ProtectedChange.Down);
        engine.EnsureReachable();
        using var held = session.Locks.Acquire("down");
        var state = session.State;
        new HeldCanaryFile(session).RefuseWhileHeld(state.Host, "take it down");
        if (state.ClaimRefusal("nothing was stopped or removed", "take it down from that checkout.") is { } foreign)
            throw new PipelineException(foreign);
        var started = DateTimeOffset.UtcNow;
        var names = state.Containers.Select(c => c.Name.TrimStart('/')).ToList();
        foreach (var name in names) engine.Call(DockerAliases.DockerRemoveContainer, new DockerRemoveContainerSettings { Container = name });
        session.Changed();
        var release = state.Current;
        var kept = $"kept: data {engine.Host.Resolve(target.DataDirectory)}, releases in {session.Store.ReleasesDirectory}, backups in {engine.Host.Resolve(target.BackupDirectory)}";
        var done = names.Count == 0 ? $"no container of '{target.Name}' was there" : $"removed {string.Join(", ", names)}";
        session.Record(new HistoryEntry
        {
            Action = HistoryAction.Down, Result = HistoryResult.Succeeded, Release = release ?? "(none)", Version = release is null ? "(none)" : state.History.VersionOf(release) ?? release,
            StartedAt = started, FinishedAt = DateTimeOffset.UtcNow, Detail = $"{done}; {kept}",
        });
        Log.Information($"'{target.Name}' is down: {done}; {kept}. ./build.sh --target=deploy (or --target=rollback) starts it again.");
        session.Reporting.Write("down", "down", new { environment = target.Name, removed = names, release },
            $"# down: {target.Name}\n\n{done}; {kept}.\n", []);
    }
}

/// <summary>The down target's work, by the environment's engine.</summary>
public interface IEnvironmentTeardown
{
    void Run();
}
