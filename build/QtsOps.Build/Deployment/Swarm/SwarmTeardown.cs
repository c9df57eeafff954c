using Cake.Core.Diagnostics;
using QtsOps.Core.Deployment;
using QtsOps.Core.Environments;

namespace QtsOps.Build.Deployment.Swarm;

/// <summary>
/// The down target on a swarm: under the deploy lock on the manager's host, `docker stack rm` of the environment's stack
/// (the observer's service and the edge's), waited for until its services and networks are gone (<see cref="SwarmRollout.RemoveStack"/>),
/// and recorded. The nodes' data, logs, config and backups stay, as do the releases and the history: a deploy or a rollback brings it back.
/// </summary>
public sealed class SwarmTeardown(DeploySession session, SwarmRollout rollout) : IEnvironmentTeardown
{
    private DeploymentEnvironment Target => session.Target;

    public void Run()
    {
        session.Protection.Require(Target.Name, ProtectedChange.Down);
        session.Engine.EnsureReachable();
        using var held = session.Locks.Acquire("down");
        var host = session.ReadHost();
        var release = host.Current;
        var started = DateTimeOffset.UtcNow;
        var was = rollout.Exists;
        var entry = new HistoryEntry
        {
            Action = HistoryAction.Down, Result = HistoryResult.Succeeded, Release = release ?? "(none)", Version = release is null ? "(none)" : session.HistoryOf(host).VersionOf(release) ?? release,
            StartedAt = started, FinishedAt = started,
        };
        var left = rollout.RemoveStack();
        if (left is not null)
        {
            session.Record(entry with { Result = HistoryResult.Failed, FinishedAt = DateTimeOffset.UtcNow, Detail = left });
            throw new PipelineException($"Down of '{Target.Name}' failed: {left}. Fix: docker stack rm {Target.ComposeProject} on the manager, then ./build.sh --target=down again");
        }
        var kept = $"kept: each node's data {Target.DataDirectory} and backups {Target.BackupDirectory}, releases in {session.Host.Where(session.Store.ReleasesDirectory)}";
        var done = was ? $"removed the stack {Target.ComposeProject} (its services, their tasks and its networks)" : $"no stack {Target.ComposeProject} was on the swarm";
        session.Record(entry with { FinishedAt = DateTimeOffset.UtcNow, Detail = $"{done}; {kept}" });
        session.Log.Information($"'{Target.Name}' is down: {done}; {kept}. ./build.sh --target=deploy (or --target=rollback) starts it again.");
        session.Reporting.Write("down", "down", new { environment = Target.Name, stack = Target.ComposeProject, release }, $"# down: {Target.Name}\n\n{done}; {kept}.\n", []);
    }
}
