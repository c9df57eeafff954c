using QtsOps.Core.Deployment;
using QtsOps.Core.Environments;

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

    /// <summary>A path on the host as a person finds it: the path on this machine, host:path on another.</summary>
    string Where(string path);

    /// <summary>An environment path as the host's absolute path.</summary>
    string Resolve(string configuredPath);

    /// <summary>Where the history (history/&lt;env&gt;.jsonl) is.</summary>
    string StateDirectory { get; }

    /// <summary>
    /// The deploy lock of the container named <paramref name="containerName"/>: keyed on what it protects, not on
    /// the environment's name, so that two environments pointed at one host and container exclude each other.
    /// </summary>
    string LockFile(string containerName);

    /// <summary>Takes the lock, or throws <see cref="DeploymentLockedException"/> naming its holder; held until disposed or the process ends.</summary>
    IDisposable AcquireLock(string lockFile, string environment, LockOwner owner, Action<string> warn);

    /// <summary>Throws when this run took the lock and lost it before releasing it: nothing more may be changed on the host.</summary>
    void EnsureLockHeld();

    /// <summary>Whether a live process holds the lock, and who; changes nothing.</summary>
    LockState InspectLock(string lockFile);

    /// <summary>What a deploy step reads of the host, in one go (<see cref="HostState"/>); changes nothing.</summary>
    HostState ReadState(HostStatePaths paths);

    /// <summary>Backs up the data directory into the backup directory (see <see cref="DataBackup"/>), checked after it was written.</summary>
    BackupResult BackUp(string dataDirectory, string backupDirectory, string label, DateTimeOffset now);

    /// <summary>Removes all but the newest <paramref name="keep"/> backups; returns the removed archives.</summary>
    IReadOnlyList<string> PruneBackups(string backupDirectory, int keep);

    /// <summary>The bytes free for <paramref name="path"/> (on its nearest existing folder).</summary>
    long AvailableBytes(string path);

    /// <summary>Of <paramref name="paths"/>, those this run's user could not create or write in (judged on each one's nearest existing folder); changes nothing.</summary>
    IReadOnlyList<string> Unwritable(IReadOnlyList<string> paths);
}

/// <summary>
/// This machine: the environment's paths are relative to the repository, the state is the checkout's
/// .qtsops. The lock is this machine user's, named by the container, so two checkouts that deploy the
/// same container exclude each other.
/// </summary>
/// <param name="repositoryRoot">What the environment's relative paths are relative to.</param>
/// <param name="stateDirectory">The checkout's .qtsops.</param>
public sealed class LocalDeploymentHost(string repositoryRoot, string stateDirectory) : IDeploymentHost
{
    public IHostFileSystem Files => LocalFileSystem.Instance;
    public string Name => "this machine";
    public string Where(string path) => path;
    public string Resolve(string configuredPath) => EnvironmentCatalog.Resolve(repositoryRoot, configuredPath);
    public string StateDirectory => stateDirectory;

    /// <summary>~/.qtsops/locks/&lt;container&gt;.lock (the temporary folder when there is no home).</summary>
    public string LockFile(string containerName) =>
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile) is { Length: > 0 } home ? home : Path.GetTempPath(), ".qtsops", "locks", $"{containerName}.lock");

    public IDisposable AcquireLock(string lockFile, string environment, LockOwner owner, Action<string> warn) =>
        DeploymentLock.Acquire(lockFile, environment, owner, warn);

    /// <summary>This machine's lock is a file this process keeps open: it cannot be lost while the run lives.</summary>
    public void EnsureLockHeld() { }

    public LockState InspectLock(string lockFile) => DeploymentLock.Inspect(lockFile);

    public HostState ReadState(HostStatePaths paths) => HostState.Read(Files, paths, InspectLock, AvailableBytes);

    public BackupResult BackUp(string dataDirectory, string backupDirectory, string label, DateTimeOffset now) =>
        DataBackup.Create(dataDirectory, backupDirectory, label, now);

    public IReadOnlyList<string> PruneBackups(string backupDirectory, int keep) => DataBackup.Prune(backupDirectory, keep);

    public long AvailableBytes(string path) => new DriveInfo(NearestExisting(path)).AvailableFreeSpace;

    public IReadOnlyList<string> Unwritable(IReadOnlyList<string> paths) => [.. paths.Where(path => !CanWriteIn(NearestExisting(path)))];

    private static string NearestExisting(string path)
    {
        var existing = path;
        while (!Directory.Exists(existing)) existing = Path.GetDirectoryName(existing)!;
        return existing;
    }

    /// <summary>Tried, as .NET has no access(2): a file that is gone when closed.</summary>
    private static bool CanWriteIn(string directory)
    {
        try
        {
            using var probe = new FileStream(Path.Combine(directory, $".qtsops-write-check-{Environment.ProcessId}"), FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose);
            return true;
        }
        catch (Exception exception) when (exception is UnauthorizedAccessException or IOException)
        {
            return false;
        }
    }
}
