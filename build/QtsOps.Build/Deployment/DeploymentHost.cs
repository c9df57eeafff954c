using QtsOps.Release.Deployment;

namespace QtsOps.Build.Deployment;

/// <summary>
/// The machine whose files an environment's deploy uses: the release store, the history, the deploy
/// lock and the data backups. For a local engine that is this machine; for an ssh:// engine, the
/// Docker host itself (<see cref="SshDeploymentHost"/>), so that every checkout and CI runner that
/// deploys there sees one history and one lock.
/// </summary>
public interface IDeploymentHost
{
    IHostFileSystem Files { get; }

    /// <summary>"this machine", or the ssh destination.</summary>
    string Name { get; }

    /// <summary>An environment path as the host's absolute path.</summary>
    string Resolve(string configuredPath);

    /// <summary>Where the history (history/&lt;env&gt;.jsonl) and the lock (locks/&lt;env&gt;.lock) are.</summary>
    string StateDirectory { get; }

    /// <summary>Takes the lock, or throws <see cref="DeploymentLockedException"/> naming its holder; held until disposed or the process ends.</summary>
    IDisposable AcquireLock(string lockFile, string environment, LockOwner owner, Action<string> warn);

    /// <summary>Whether a live process holds the lock, and who; changes nothing.</summary>
    LockState InspectLock(string lockFile);

    /// <summary>Backs up the data directory into the backup directory (see <see cref="DataBackup"/>), checked after it was written.</summary>
    BackupResult BackUp(string dataDirectory, string backupDirectory, string label, DateTimeOffset now);

    /// <summary>Removes all but the newest <paramref name="keep"/> backups; returns the removed archives.</summary>
    IReadOnlyList<string> PruneBackups(string backupDirectory, int keep);

    /// <summary>The bytes free for <paramref name="path"/> (on its nearest existing folder).</summary>
    long AvailableBytes(string path);
}

/// <summary>This machine: the environment's paths are relative to the repository, the state is the checkout's .qtsops.</summary>
public sealed class LocalDeploymentHost(BuildContext context) : IDeploymentHost
{
    public IHostFileSystem Files => LocalFileSystem.Instance;
    public string Name => "this machine";
    public string Resolve(string configuredPath) => context.ResolvePath(configuredPath);
    public string StateDirectory => context.StateDirectory;

    public IDisposable AcquireLock(string lockFile, string environment, LockOwner owner, Action<string> warn) =>
        DeploymentLock.Acquire(lockFile, environment, owner, warn);

    public LockState InspectLock(string lockFile) => DeploymentLock.Inspect(lockFile);

    public BackupResult BackUp(string dataDirectory, string backupDirectory, string label, DateTimeOffset now) =>
        DataBackup.Create(dataDirectory, backupDirectory, label, now);

    public IReadOnlyList<string> PruneBackups(string backupDirectory, int keep) => DataBackup.Prune(backupDirectory, keep);

    public long AvailableBytes(string path)
    {
        var existing = path;
        while (!Directory.Exists(existing)) existing = Path.GetDirectoryName(existing)!;
        return new DriveInfo(existing).AvailableFreeSpace;
    }
}
