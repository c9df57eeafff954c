using Cake.Core.Diagnostics;
using QtsOps.Core.Deployment;
using QtsOps.Core.Swarm;

namespace QtsOps.Build.Deployment.Swarm;

/// <summary>
/// The data backups of a swarm (docs/OPERATIONS.md, "Swarm environments"): before a deploy or a rollback changes the
/// service, the data directory of every node where a task of it ran (the manager's task history says which,
/// <see cref="NodeBackups"/>) is backed up on that node into its own backup directory, by a job pinned there
/// (<see cref="SwarmNodeJobs"/>) running the single host's backup script (<see cref="HostScripts.BackUp"/>: the same
/// archive, checked the same way) in the edge's image, which has the shell and tools the script needs; then each node
/// keeps its backupsToKeep newest (<see cref="DataBackup.Pruned"/>).
/// </summary>
public sealed class SwarmNodeBackups(DeploySession session, SwarmObserver observer, SwarmNodeJobs jobs)
{
    /// <summary>
    /// Run with the node's data folder, backup folder and the archive's name as $1, $2 and $3 (as the job sees them):
    /// says <see cref="NodeBackupOutput.NoDataLine"/> when the node has no data folder, else backs it up (the script ends listing the backup folder).
    /// </summary>
    public static readonly string Script = $"[ -d \"$1\" ] || {{ echo '{NodeBackupOutput.NoDataLine}'; exit 0; }}\n{HostScripts.BackUp}";

    /// <summary>Backs up the data on each node where a task of the observer's service ran, as <paramref name="label"/>, and prunes each node's backups.</summary>
    /// <param name="image">The edge's image, pinned: it has sh and the tools the backup script needs, and the nodes pull it for the stack anyway.</param>
    /// <returns>The archive written on each node, by node (none for a node without data, or when no task ran yet).</returns>
    /// <exception cref="ReleaseStartException">A node's backup failed (with its error): the service is not to be changed then.</exception>
    public IReadOnlyDictionary<string, string> Take(string image, string label, CancellationToken cancellation)
    {
        var service = SwarmStack.ServiceName(session.Target.ComposeProject);
        if (observer.Service(service) is null)
        {
            session.Log.Information($"No data to back up yet: no task of {service} ran on the swarm");
            return new Dictionary<string, string>();
        }
        var plan = NodeBackups.Plan(observer.Tasks(service), observer.Nodes());
        foreach (var why in plan.Unreachable) session.Log.Warning($"Not backed up (its data stays on it): {why}");
        if (plan.Nodes.Count == 0) return new Dictionary<string, string>();

        var (data, backups) = (session.Target.DataDirectory, session.Target.BackupDirectory);
        var name = DataBackup.ArchiveName(label, DateTimeOffset.UtcNow.UtcDateTime);
        var mounts = NodeFolders.Tops([data, backups]).ToDictionary(top => top, NodeFolders.InJob);
        var said = jobs.Run("backing up the data", plan.Nodes, _ => new NodeJob(image, mounts, "sh", ["-c", Script, "sh", NodeFolders.InJob(data), NodeFolders.InJob(backups), name]),
            ShellDeploymentHost.TransferTimeLimit, cancellation);

        var written = new Dictionary<string, string>(StringComparer.Ordinal);
        var pruned = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var (node, lines) in said.OrderBy(pair => pair.Key, StringComparer.Ordinal))
        {
            if (NodeBackupOutput.SaysNoData(lines))
            {
                session.Log.Information($"{node}: no data to back up ({data} does not exist there)");
                continue;
            }
            var backup = DataBackup.ReadResult($"{backups.TrimEnd('/')}/{name}", lines);
            written[node] = backup.ArchivePath;
            session.Log.Information($"{node}: backed up {backup.Files} data file(s) to {backup.ArchivePath} on that node ({backup.Bytes} bytes, SHA-256 {backup.Sha256[..12]}, read back and checked)");
            foreach (var partial in backup.RemovedPartials) session.Log.Warning($"{node}: removed {partial}: an unfinished backup of an earlier run that was stopped");
            if (backup.Skipped.Count > 0) session.Log.Warning($"{node}: not backed up, as they are no data: {string.Join(", ", backup.Skipped)}");
            if (DataBackup.Pruned(backup.Backups, session.Target.BackupsToKeep) is { Count: > 0 } old) pruned[node] = old;
        }
        Prune(plan.Nodes.Where(node => pruned.ContainsKey(node.Hostname)).ToList(), pruned, image, mounts, cancellation);
        return written;
    }

    /// <summary>Removes each node's backups beyond backupsToKeep, with the single host's script.</summary>
    private void Prune(IReadOnlyList<SwarmNode> nodes, IReadOnlyDictionary<string, IReadOnlyList<string>> old, string image, IReadOnlyDictionary<string, string> mounts, CancellationToken cancellation)
    {
        if (nodes.Count == 0) return;
        var inJob = NodeFolders.InJob(session.Target.BackupDirectory);
        jobs.Run("removing old backups", nodes, node => new NodeJob(image, mounts, "sh", ["-c", HostScripts.RemoveBackups, "sh", .. old[node.Hostname].Select(archive => $"{inJob}/{archive}")]),
            ShellDeploymentHost.ScriptTimeLimit, cancellation);
        foreach (var node in nodes) session.Log.Verbose($"{node.Hostname}: removed old backups {string.Join(", ", old[node.Hostname])}");
    }
}
