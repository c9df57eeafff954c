namespace QtsOps.Core.Swarm;

/// <summary>The nodes whose data a swarm deploy backs up, and those it cannot reach with a job, each with why.</summary>
public sealed record NodeBackupPlan(IReadOnlyList<SwarmNode> Nodes, IReadOnlyList<string> Unreachable);

/// <summary>What a node's backup job printed: no data directory there, or the host script's lines and the backup folder's listing.</summary>
/// <param name="Said">The backup script's own lines (DataBackup.ReadResult reads them).</param>
/// <param name="Listed">The names in the node's backup folder once the archive was written.</param>
public sealed record NodeBackupOutput(bool NoData, IReadOnlyList<string> Said, IReadOnlyList<string> Listed)
{
    /// <summary>The job's line when the node has no data directory: nothing to back up there.</summary>
    public const string NoDataLine = "no data";

    /// <summary>The prefix of a line naming an entry of the backup folder.</summary>
    public const string ListedPrefix = "listed ";

    public static NodeBackupOutput Parse(IReadOnlyList<string> lines) => new(
        lines.Any(line => line.Trim() == NoDataLine),
        [.. lines.Where(line => !line.StartsWith(ListedPrefix, StringComparison.Ordinal))],
        [.. lines.Where(line => line.StartsWith(ListedPrefix, StringComparison.Ordinal)).Select(line => line[ListedPrefix.Length..])]);
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
