using QtsOps.Core.Deployment;
using QtsOps.Core.Environments;
using QtsOps.Tools.Docker;

namespace QtsOps.Build.Deployment;

/// <summary>The status target's work, by the environment's engine: what it read (reports/status.json) and how it reads (reports/status.md).</summary>
public interface IEnvironmentStatus
{
    (object Status, string Markdown) Report(int historyEntries);
}

/// <summary>
/// Gathers <see cref="DeploymentStatus"/> from the engine, the release store, the history and the lock;
/// changes nothing. What runs is read from the engine under the environment's names, whoever started it:
/// another checkout's edge and slots are shown as such.
/// </summary>
public sealed class StatusReader(DeploySession session, Edge edge) : IEnvironmentStatus
{
    private DockerEngine Engine => session.Engine;

    public (object Status, string Markdown) Report(int historyEntries)
    {
        var status = Read(historyEntries);
        return (status, status.ToMarkdown());
    }

    /// <summary>The last verified release, the lock and the newest history of the session's environment as status lines, from one read of its host.</summary>
    public static IReadOnlyList<string> LockAndHistoryLines(DeploySession session, int historyEntries)
    {
        var host = session.ReadHost(historyEntries);
        var history = session.HistoryOf(host);
        return DeploymentStatus.LockAndHistoryLines(history.LastVerified(), host.Lock, history.Newest(historyEntries));
    }

    public DeploymentStatus Read(int historyEntries)
    {
        Engine.EnsureReachable();
        var state = session.StateShowing(historyEntries);
        var serving = Serving(state);
        var running = state.Containers.Select(container => Describe(container, state)).ToList();
        var names = session.Layout.Containers.ToHashSet(StringComparer.Ordinal);
        var portHolders = Engine.Call(DockerAliases.DockerPs, new DockerPsSettings { Filters = [$"publish={session.Target.Port}"] })
            .Select(c => c.Names).Where(name => !names.Contains(name)).ToList();
        return new DeploymentStatus(session.Target.Name, Engine.Describe(), state.Current, running.FirstOrDefault(c => c.Name == serving),
            state.History.LastVerified(), state.Host.Lock, state.History.Newest(historyEntries),
            [.. running.Where(c => c.Name != serving)], portHolders, HeldCanary(state));
    }

    /// <summary>The canary a deploy --canary-hold left running, as one line; a file that records none is shown as such, status still reads the rest.</summary>
    private string? HeldCanary(DeploymentState state)
    {
        try
        {
            return new HeldCanaryFile(session).Of(state.Host)?.Describe(session.Layout);
        }
        catch (PipelineException unreadable)
        {
            return unreadable.Message;
        }
    }

    /// <summary>The serving container's name: behind an edge, the slot its deployment's link names (another checkout's is read from its folder); else the single container.</summary>
    private string Serving(DeploymentState state)
    {
        if (state.Container(session.Layout.EdgeContainer) is { } edgeContainer && DeploymentState.OwnerOf(edgeContainer).Deployment is { } deployment
            && deployment != session.Store.DeployDirectory && edge.ActiveIn(deployment) is { } slot)
            return session.Layout.SlotContainer(slot);
        return state.ServingName;
    }

    private RunningContainer Describe(DockerContainer container, DeploymentState state) =>
        new(container.Name.TrimStart('/'), container.State.Status, container.State.Health?.Status, container.State.StartedAt, container.RestartCount,
            container.Image, Engine.Image(container.Image)?.RepoDigests.FirstOrDefault(), DeploymentState.OwnerOf(container), state.IsOurs(container));
}
