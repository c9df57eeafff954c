using Cake.Core.Diagnostics;
using QtsOps.Core.Deployment;
using QtsOps.Tools.Docker;

namespace QtsOps.Build.Deployment;

/// <summary>The deploy's data backups: the environment's data before each deploy, and the data another deployment's containers mount before a take-over.</summary>
public sealed class DataBackups(DeploySession session)
{
    private IDeploymentHost Host => session.Host;

    /// <summary>Backs up the data directory (when there is one yet: <paramref name="dataExists"/>, as the deploy looked) as before-&lt;release&gt;, and prunes old backups.</summary>
    public void BeforeDeploy(string release, bool dataExists)
    {
        var data = Host.Resolve(session.Target.DataDirectory);
        if (!dataExists)
        {
            session.Log.Information($"No data to back up yet ({data} does not exist)");
            return;
        }
        var backups = Host.Resolve(session.Target.BackupDirectory);
        var backup = Host.BackUp(data, backups, $"before-{release}", DateTimeOffset.UtcNow);
        session.Log.Information($"Backed up {backup.Files} data file(s) to {backup.ArchivePath} ({backup.Bytes} bytes, SHA-256 {backup.Sha256[..12]}, read back and checked)");
        ReportLeftOut(backup);
        foreach (var removed in Host.PruneBackups(backup.Backups, session.Target.BackupsToKeep)) session.Log.Verbose($"Removed old backup {removed}");
    }

    /// <summary>Backs up the data the other deployment's containers really mount, then removes them (their folders stay).</summary>
    public void TakeOver(IReadOnlyList<DockerContainer> containers, string release)
    {
        var backedUp = new HashSet<string>(StringComparer.Ordinal);
        foreach (var container in containers)
        {
            var name = container.Name.TrimStart('/');
            if (container.Mounts.FirstOrDefault(m => m.Destination == RunningReleaseCheck.DataMount) is { } data && backedUp.Add(data.Source) && Host.Files.DirectoryExists(data.Source))
            {
                var backup = Host.BackUp(data.Source, Host.Resolve(session.Target.BackupDirectory), $"takeover-before-{release}", DateTimeOffset.UtcNow);
                session.Log.Information($"Backed up the data {name} mounted ({data.Source}): {backup.Files} file(s) to {backup.ArchivePath}, SHA-256 {backup.Sha256[..12]}");
                ReportLeftOut(backup);
            }
            session.Engine.Call(DockerAliases.DockerRemoveContainer, new DockerRemoveContainerSettings { Container = name });
        }
        session.Changed();
    }

    private void ReportLeftOut(BackupResult backup)
    {
        foreach (var partial in backup.RemovedPartials) session.Log.Warning($"Removed {partial}: an unfinished backup of an earlier run that was stopped");
        if (backup.Skipped.Count > 0)
            session.Log.Warning($"Not backed up, as they are no data (check what put them in the data directory): {string.Join(", ", backup.Skipped)}");
    }
}
