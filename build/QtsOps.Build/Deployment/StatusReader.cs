using QtsOps.Release.Deployment;
using QtsOps.Release.Environments;

namespace QtsOps.Build.Deployment;

/// <summary>Gathers <see cref="DeploymentStatus"/> from the engine, the release store, the history and the lock; changes nothing.</summary>
public sealed class StatusReader(DockerEngine engine, DeploymentEnvironment target, ReleaseRunner runner, DeploymentLocks locks)
{
    public DeploymentStatus Read(int historyEntries)
    {
        engine.EnsureReachable();
        var serving = runner.ServingContainer();
        var running = engine.Container(serving) is { } container
            ? new RunningContainer(serving, container.State.Status, container.State.Health?.Status, container.State.StartedAt, container.RestartCount,
                container.Image, engine.Image(container.Image)?.RepoDigests.FirstOrDefault(), ReleaseRunner.OwnerOf(container), runner.IsOurs(container))
            : null;
        return new DeploymentStatus(target.Name, engine.Describe(), runner.Store.Current, running,
            runner.History.LastVerified(), engine.Host.InspectLock(locks.LockFile), runner.History.Newest(historyEntries));
    }
}
