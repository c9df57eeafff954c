using QtsOps.Core.Deployment;
using QtsOps.Core.Environments;
using QtsOps.Tools.Ssh;

namespace QtsOps.Build.Deployment;

/// <summary>
/// The machine whose files an environment's deploy uses: the release store, the history, the deploy
/// lock and the data backups. For a local engine that is this machine; for an ssh:// engine, the
/// Docker host itself (<see cref="SshDeploymentHost"/>), so that every checkout and CI runner that
/// deploys there sees one history and one lock. Both run the same host scripts (<see cref="ShellDeploymentHost"/>).
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

    /// <summary>Whether a live process holds the lock, and who; changes nothing. A lock file that cannot be opened is an error naming it.</summary>
    LockState InspectLock(string lockFile);

    /// <summary>What a deploy step reads of the host, in one go (<see cref="HostState"/>); changes nothing.</summary>
    /// <param name="newestHistoryLines">How many of the history's newest lines to give besides those the decisions need.</param>
    HostState ReadState(HostStatePaths paths, int newestHistoryLines);

    /// <summary>Backs up the data directory into the backup directory (see <see cref="HostScripts.BackUp"/>), checked after it was written.</summary>
    BackupResult BackUp(string dataDirectory, string backupDirectory, string label, DateTimeOffset now);

    /// <summary>The backups in <paramref name="backupDirectory"/>, newest first.</summary>
    IReadOnlyList<string> Backups(string backupDirectory);

    /// <summary>Of <paramref name="backups"/> (newest first: <see cref="Backups"/>, or <see cref="BackupResult.Backups"/>), removes all but the newest <paramref name="keep"/>; returns the removed archives.</summary>
    IReadOnlyList<string> PruneBackups(IReadOnlyList<string> backups, int keep);

    /// <summary>
    /// Checks a backup's SHA-256 and entries, then unpacks it into <paramref name="directory"/>, which must not exist;
    /// a backup refused is an <see cref="InvalidDataException"/> saying why, and leaves nothing behind.
    /// </summary>
    (string Sha256, int Files) UnpackBackup(string archive, string directory);

    /// <summary>Moves the data directory (when there is one) to <paramref name="aside"/> and <paramref name="unpacked"/> in its place; returns where the data went, or null.</summary>
    string? SwitchData(string dataDirectory, string unpacked, string aside);

    /// <summary>The bytes free for <paramref name="path"/> (on its nearest existing folder).</summary>
    long AvailableBytes(string path);
}

/// <summary>
/// This machine: the environment's paths are relative to the repository, the state is the checkout's
/// .qtsops. The lock is this machine user's, named by the container, so two checkouts that deploy the
/// same container exclude each other. Its scripts run in this machine's sh.
/// </summary>
/// <param name="repositoryRoot">What the environment's relative paths are relative to.</param>
/// <param name="stateDirectory">The checkout's .qtsops.</param>
/// <param name="scriptTimeLimit">Instead of <see cref="ShellDeploymentHost.ScriptTimeLimit"/> and <see cref="ShellDeploymentHost.TransferTimeLimit"/> (tests).</param>
/// <param name="lockFolder">
/// A folder of its own under the machine's locks, for one host of several on this machine's sockets: those hosts name the
/// same containers on different engines, so each host's lock is its own.
/// </param>
public sealed class LocalDeploymentHost(string repositoryRoot, string stateDirectory, TimeSpan? scriptTimeLimit = null, string? lockFolder = null) : ShellDeploymentHost(scriptTimeLimit)
{
    public override string Name => "this machine";
    public override string Where(string path) => path;
    public override string Resolve(string configuredPath) => EnvironmentCatalog.Resolve(repositoryRoot, configuredPath);
    public override string StateDirectory => stateDirectory;
    public override string Combine(string directory, string name) => Path.Combine(directory, name);

    /// <summary>~/.qtsops/locks/&lt;container&gt;.lock (the temporary folder when there is no home).</summary>
    public override string LockFile(string containerName) =>
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile) is { Length: > 0 } home ? home : Path.GetTempPath(), ".qtsops", "locks", lockFolder ?? "", $"{containerName}.lock");

    protected override IScriptCommand Command(string script, IReadOnlyList<string> arguments) => new LocalScriptCommand(script, arguments);

    protected override bool OverSsh => false;

    protected override string AnswerCheck => "check what holds that path on this machine (a stalled disk or network mount, a full disk)";
}
