using QtsOps.Release.Deployment;

namespace QtsOps.Build.Deployment;

/// <summary>Gathers <see cref="DeploymentStatus"/> from the engine, the release store, the history and the lock; changes nothing.</summary>
public sealed class StatusReader(DockerEngine engine)
{
    private BuildContext Context => engine.Context;

    public DeploymentStatus Read(int historyEntries)
    {
        engine.EnsureReachable();
        var runner = new ReleaseRunner(engine);
        var running = engine.Container(Context.Target.ContainerName) is { } container
            ? new RunningContainer(Context.Target.ContainerName, container.State.Status, container.State.Health?.Status, container.State.StartedAt, container.RestartCount,
                container.Image, engine.Image(container.Image)?.RepoDigests.FirstOrDefault(), ReleaseRunner.OwnerOf(container), runner.IsOurs(container))
            : null;
        return new DeploymentStatus(Context.EnvironmentName, engine.Describe(), runner.Store.Current, running,
            runner.History.LastVerified(), engine.Host.InspectLock(DeploymentLocks.PathFor(engine)), runner.History.Newest(historyEntries));
    }
}
