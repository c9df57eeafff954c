namespace QtsOps.Build.Deployment.Swarm;

/// <summary>The status target on a swarm: the service and its tasks (<see cref="SwarmStatusReader"/>), then the lock and history kept on the manager's host, as the compose status shows them.</summary>
public sealed class SwarmStatusStep(DeploySession session, SwarmStatusReader reader) : IEnvironmentStatus
{
    public (object Status, string Markdown) Report(int historyEntries)
    {
        var view = Read(historyEntries);
        return (view, view.ToMarkdown());
    }

    /// <summary>What status shows of the swarm, with the history's newest <paramref name="historyEntries"/> entries (the dashboard shows the same).</summary>
    public SwarmStatusView Read(int historyEntries) => reader.Read(StatusReader.LockAndHistoryLines(session, historyEntries));
}
