namespace QtsOps.Core.Swarm;

/// <summary>The nodes whose data a swarm deploy backs up, and those it cannot reach with a job, each with why.</summary>
public sealed record NodeBackupPlan(IReadOnlyList<SwarmNode> Nodes, IReadOnlyList<string> Unreachable);

/// <summary>What a node's backup job prints besides the host's backup script's own lines (<c>DataBackup.ReadResult</c> reads those).</summary>
public static class NodeBackupOutput
{
    /// <summary>The job's line when the node has no data directory: nothing to back up there.</summary>
    public const string NoDataLine = "no data";

    public static bool SaysNoData(IReadOnlyList<string> lines) => lines.Any(line => line.Trim() == NoDataLine);
}

/// <summary>
/// On a swarm each task writes the data directory of the node it runs on, so the data is on every node where a task
/// of the service ran (the manager's task history says which): each of those is backed up by a job pinned to it.
/// A job can run only on a node that is ready and active; the others are said, not waited for.
/// </summary>
public static class NodeBackups
{
    /// <param name="tasks">The service's tasks, its history included (`docker service ps`).</param>
    /// <param name="nodes">The swarm's nodes (`docker node inspect`).</param>
    public static NodeBackupPlan Plan(IReadOnlyList<SwarmTask> tasks, IReadOnlyList<SwarmNode> nodes)
    {
        var ran = tasks.Select(task => task.Node).Where(node => node.Length > 0).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var byName = nodes.GroupBy(node => node.Hostname, StringComparer.Ordinal).ToDictionary(group => group.Key, group => group.First(), StringComparer.Ordinal);
        var reachable = new List<SwarmNode>();
        var unreachable = new List<string>();
        foreach (var name in ran)
        {
            if (!byName.TryGetValue(name, out var node)) unreachable.Add($"{name}: no longer in the swarm");
            else if (node.State != "ready") unreachable.Add($"{name}: the node is {node.State}");
            else if (node.Availability != "active") unreachable.Add($"{name}: the node is {(node.Availability == "drain" ? "drained" : "paused")}, so no job runs there");
            else reachable.Add(node);
        }
        return new NodeBackupPlan(reachable, unreachable);
    }
}
