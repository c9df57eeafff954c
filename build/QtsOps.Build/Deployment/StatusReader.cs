using QtsOps.Release.Deployment;
using QtsOps.Release.Environments;
using QtsOps.Tools.Docker;

namespace QtsOps.Build.Deployment;

/// <summary>
/// Gathers <see cref="DeploymentStatus"/> from the engine, the release store, the history and the lock;
/// changes nothing. What runs is read from the engine under the environment's names, whoever started it:
/// another checkout's edge and slots are shown as such.
/// </summary>
public sealed class StatusReader(DockerEngine engine, DeploymentEnvironment target, ReleaseRunner runner, Edge edge, DeploymentLocks locks)
{
    public DeploymentStatus Read(int historyEntries)
    {
        engine.EnsureReachable();
        var containers = runner.Containers();
        var serving = Serving(containers);
        var running = containers.Select(Describe).ToList();
        var names = runner.Layout.Containers.ToHashSet(StringComparer.Ordinal);
        var portHolders = engine.Call(DockerAliases.DockerPs, new DockerPsSettings { Filters = [$"publish={target.Port}"] })
            .Select(c => c.Names).Where(name => !names.Contains(name)).ToList();
        return new DeploymentStatus(target.Name, engine.Describe(), runner.Store.Current, running.FirstOrDefault(c => c.Name == serving),
            runner.History.LastVerified(), engine.Host.InspectLock(locks.LockFile), runner.History.Newest(historyEntries),
            [.. running.Where(c => c.Name != serving)], portHolders);
    }

    /// <summary>The serving container's name: behind an edge, the slot its deployment's link names (this one's or another checkout's); else the single container.</summary>
    private string Serving(IReadOnlyList<DockerContainer> containers)
    {
        var edgeContainer = containers.FirstOrDefault(c => c.Name.TrimStart('/') == runner.Layout.EdgeContainer);
        if (edgeContainer is not null && ReleaseRunner.OwnerOf(edgeContainer).Deployment is { } deployment && edge.ActiveIn(deployment) is { } slot)
            return runner.Layout.SlotContainer(slot);
        return runner.ServingContainer();
    }

    private RunningContainer Describe(DockerContainer container) =>
        new(container.Name.TrimStart('/'), container.State.Status, container.State.Health?.Status, container.State.StartedAt, container.RestartCount,
            container.Image, engine.Image(container.Image)?.RepoDigests.FirstOrDefault(), ReleaseRunner.OwnerOf(container), runner.IsOurs(container));
}
