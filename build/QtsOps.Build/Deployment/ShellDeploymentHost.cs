using System.Diagnostics;
using System.Formats.Tar;
using System.Globalization;
using System.Text.Json;
using QtsOps.Core.Deployment;
using QtsOps.Tools.Docker;
using QtsOps.Tools.Ssh;

namespace QtsOps.Build.Deployment;

/// <summary>A step on the deployment's host that failed there (a full disk, a permission): an IOException, as a file step here is.</summary>
public sealed class HostCommandException(string message) : IOException(message);

/// <summary>
/// Every host operation of a deployment (the release store's and the history's file steps, the deploy lock,
/// the data backups and their restore), each one script of <see cref="HostScripts"/> run in one round trip
/// through the host's shell: this machine's sh (<see cref="LocalDeploymentHost"/>) or an ssh session on the
/// Docker host (<see cref="SshDeploymentHost"/>). The two differ only in where the files are and how a
/// script reaches them, so both run, and are tested by, the same code. The deploy lock is an flock that a
/// script holds for as long as it runs, so it ends with the run however the run ends; a script that ends
/// while the run still holds it (its ssh connection dropped, or it was killed) stops every later step of the
/// run. Each script has a time limit, so a host that stops answering stops the run with an error naming the step.
/// </summary>
public abstract class ShellDeploymentHost : IDeploymentHost, IHostFileSystem
{
    private readonly TimeSpan _scriptTimeLimit;
    private readonly TimeSpan _transferTimeLimit;
    private HeldLock? _held;

    /// <summary>How long a file step may take; copies and backups, which move the data, get <see cref="TransferTimeLimit"/>.</summary>
    public static readonly TimeSpan ScriptTimeLimit = TimeSpan.FromMinutes(5);

    public static readonly TimeSpan TransferTimeLimit = TimeSpan.FromMinutes(60);

    /// <param name="scriptTimeLimit">Instead of <see cref="ScriptTimeLimit"/> and <see cref="TransferTimeLimit"/> (tests).</param>
    protected ShellDeploymentHost(TimeSpan? scriptTimeLimit)
    {
        _scriptTimeLimit = scriptTimeLimit ?? ScriptTimeLimit;
        _transferTimeLimit = scriptTimeLimit ?? TransferTimeLimit;
    }

    /// <summary>Where its scripts (and, over ssh, its ssh sessions) are counted: its engine's <see cref="DockerEngine.Counts"/>.</summary>
    public CommandCounts Counts { get; init; } = new();

    public abstract string Name { get; }
    public IHostFileSystem Files => this;
    public abstract string Where(string path);
    public abstract string Resolve(string configuredPath);
    public abstract string StateDirectory { get; }
    public abstract string LockFile(string containerName);
    public abstract string Combine(string directory, string name);

    /// <summary>The script as the program that runs it on the host.</summary>
    protected abstract IScriptCommand Command(string script, IReadOnlyList<string> arguments);

    /// <summary>Whether the script's process runs over ssh (its sessions are counted).</summary>
    protected abstract bool OverSsh { get; }

    /// <summary>Throws when <paramref name="result"/> says the host could not be reached at all (not the step failing there).</summary>
    protected virtual void ThrowWhenUnreachable(string what, DockerOutput result) { }

    /// <summary>What to check when the host did not finish a step in time: the fix of that error.</summary>
    protected abstract string AnswerCheck { get; }

    public bool DirectoryExists(string path) => Run($"look for {path}", HostScripts.DirectoryExists, path).ExitCode == 0;

    public string? LinkTarget(string path) =>
        Run($"read the link {path}", HostScripts.LinkTarget, path) is { ExitCode: 0 } found ? Check(found).Output.Single() : null;

    public void ReplaceLink(string link, string target) => Checked($"point {link} at {target}", HostScripts.ReplaceLink, link, target);

    public void PutDirectory(string localDirectory, string path, string staging)
    {
        using var archive = new MemoryStream();
        TarFile.CreateFromDirectory(localDirectory, archive, includeBaseDirectory: false);
        Check(Run($"copy {localDirectory} to {path}", HostScripts.PutDirectory, [path, staging], Convert.ToBase64String(archive.ToArray()) + "\n", _transferTimeLimit));
    }

    public void CopyDirectory(string from, string to) => Check(Run($"copy {from} to {to}", HostScripts.CopyDirectory, [from, to], null, _transferTimeLimit));

    public void CreateDirectory(string path) => Checked($"create {path}", HostScripts.CreateDirectory, path);

    public void DeleteDirectory(string path) => Checked($"delete {path}", HostScripts.DeleteDirectory, path);

    public void MoveDirectory(string from, string to) => Checked($"move {from} to {to}", HostScripts.MoveDirectory, from, to);

    public IReadOnlyList<(string Name, DateTime LastWriteUtc)> Directories(string path) =>
        [.. Checked($"list {path}", HostScripts.Directories, path).Output
            .Select(line => line.Split(' ', 2))
            .Select(parts => (parts[1], DateTime.UnixEpoch.AddSeconds(double.Parse(parts[0], CultureInfo.InvariantCulture))))];

    public string? ReadAllText(string path) =>
        Run($"read {path}", HostScripts.ReadFile, path) is var read && read.ExitCode == 3 ? null : string.Join("\n", Check(read).Output);

    public void AppendLine(string path, string line) => Checked($"append to {path}", HostScripts.AppendLine, path, line);

    public long AvailableBytes(string path) =>
        long.Parse(Checked($"read the free space of {path}", HostScripts.AvailableKilobytes, path).Output.Single(), CultureInfo.InvariantCulture) * 1024;

    /// <summary>Named by <paramref name="now"/>; a name taken already (two backups in one millisecond) moves on to the next millisecond's.</summary>
    public BackupResult BackUp(string dataDirectory, string backupDirectory, string label, DateTimeOffset now)
    {
        string archive;
        DockerOutput result;
        for (var time = now.UtcDateTime; ; time = time.AddMilliseconds(1))
        {
            var name = DataBackup.ArchiveName(label, time);
            archive = Combine(backupDirectory, name);
            result = Run($"back up {dataDirectory} to {archive}", HostScripts.BackUp, [dataDirectory, backupDirectory, name], null, _transferTimeLimit);
            if (result.ExitCode != HostScripts.NameTaken) break;
        }
        var backup = DataBackup.ReadResult(archive, Check(result).Output);
        return backup with { Backups = InFolder(backupDirectory, backup.Backups) };
    }

    public IReadOnlyList<string> Backups(string backupDirectory) =>
        InFolder(backupDirectory, Checked($"list {backupDirectory}", HostScripts.ListFolder, backupDirectory).Output);

    /// <summary>The backups among a folder's entries, as paths, newest first.</summary>
    private IReadOnlyList<string> InFolder(string backupDirectory, IEnumerable<string> names) => DataBackup.NewestFirst(names.Select(name => Combine(backupDirectory, name)));

    public IReadOnlyList<string> PruneBackups(IReadOnlyList<string> backups, int keep)
    {
        var removed = DataBackup.Pruned(backups, keep);
        if (removed.Count > 0) Checked($"remove the old backups {string.Join(", ", removed)}", HostScripts.RemoveBackups, [.. removed]);
        return removed;
    }

    public (string Sha256, int Files) UnpackBackup(string archive, string directory)
    {
        var result = Run($"unpack {archive} into {directory}", HostScripts.UnpackBackup, [archive, directory], null, _transferTimeLimit);
        if (result.ExitCode == 7)
            throw new InvalidDataException($"{result.Error.Last(line => line.Trim().Length > 0)} Fix: pick another backup (--backup=NAME).");
        var said = Check(result).Output.Select(line => line.Split(' ', 2)).ToDictionary(parts => parts[0], parts => parts[1]);
        return (said["sha256"], int.Parse(said["files"], CultureInfo.InvariantCulture));
    }

    public string? SwitchData(string dataDirectory, string unpacked, string aside) =>
        Checked($"put {unpacked} in place of {dataDirectory}", HostScripts.SwitchData, dataDirectory, unpacked, aside).Output
            .FirstOrDefault(line => line.StartsWith("aside ", StringComparison.Ordinal)) is { } moved ? moved["aside ".Length..] : null;

    public IDisposable AcquireLock(string lockFile, string environment, LockOwner owner, Action<string> warn)
    {
        EnsureLockHeld();
        // In a session of its own: a Ctrl-C stops the run cleanly (rolling back, recording), and the host must stay locked meanwhile.
        var process = ScriptRunner.Start(Command(HostScripts.TakeLock, [lockFile, JsonSerializer.Serialize(owner)]), ownSession: true);
        if (OverSsh) Counts.SshSession();
        while (process.StandardOutput.ReadLine() is { } line)
        {
            if (line == "held") return _held = new HeldLock(process, Where(lockFile));
            if (line.StartsWith("stale ", StringComparison.Ordinal) && ParseOwner(lockFile, line["stale ".Length..]) is { } previous)
                warn(DeploymentLockedException.EndedWithoutReleasing(environment, previous));
            if (line == "busy")
            {
                var holder = ParseOwner(lockFile, process.StandardOutput.ReadToEnd().Trim());
                process.WaitForExit();
                process.Dispose();
                throw new DeploymentLockedException(environment, Where(lockFile), holder);
            }
        }
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        var result = new DockerOutput($"take the deploy lock {lockFile}", process.ExitCode, [], error.Split('\n'));
        process.Dispose();
        ThrowWhenUnreachable(result.Command, result);
        Check(result);
        throw new HostCommandException($"Taking the deploy lock {lockFile} on {Name} ended without an answer.");
    }

    public LockState InspectLock(string lockFile) =>
        LockState.Parse(Checked($"read the deploy lock {lockFile}", HostScripts.InspectLock, lockFile).Output, text => ParseOwner(lockFile, text));

    public HostState ReadState(HostStatePaths paths, int newestHistoryLines) =>
        HostState.Parse(Checked("read the deployment's state", HostStateScript.Text,
            paths.ReleasesDirectory, paths.CurrentLink, paths.ActiveLink, paths.HistoryFile, paths.LockFile, paths.DeployDirectory,
            newestHistoryLines.ToString(CultureInfo.InvariantCulture), string.Join("\n", paths.Folders ?? [])).Output, text => ParseOwner(paths.LockFile, text));

    private LockOwner? ParseOwner(string lockFile, string text) => DeploymentLock.ParseOwner(text, Where(DeploymentLock.OwnerFileOf(lockFile)));

    /// <summary>
    /// Throws when this run took the deploy lock and its script ended without being released (its ssh connection
    /// dropped, or it was killed): another run may hold the lock now, so nothing more may be changed on the host.
    /// Every step here and on the host's engine asks first.
    /// </summary>
    public void EnsureLockHeld()
    {
        if (_held is { Lost: true } lost)
            throw new HostCommandException($"The deploy lock {lost.LockFile} was lost: the script holding it on {Name} ended while this run held it " +
                $"({lost.Ending()}), so another run may be deploying there now. This run stopped before its next step on {Name}. " +
                "Fix: check what runs there (--target=status) and the history, then run again.");
    }

    /// <summary>Runs the step and throws when it failed.</summary>
    private DockerOutput Checked(string what, string script, params string[] arguments) => Check(Run(what, script, arguments));

    /// <summary>Runs the step; <paramref name="what"/> names it in its result and errors ("append to PATH").</summary>
    private DockerOutput Run(string what, string script, params string[] arguments) => Run(what, script, arguments, null, _scriptTimeLimit);

    private DockerOutput Run(string what, string script, string[] arguments, string? input, TimeSpan limit)
    {
        EnsureLockHeld();
        Counts.HostScript(OverSsh);
        DockerOutput result;
        try
        {
            result = ScriptRunner.Run(Command(script, arguments), limit, input) with { Command = what };
        }
        catch (TimeoutException)
        {
            throw new HostCommandException($"{Name} did not finish the step '{what}' within {limit.TotalSeconds:0} s: it was stopped there, and the run with it. " +
                $"Fix: {AnswerCheck}, then run again.");
        }
        ThrowWhenUnreachable(what, result);
        return result;
    }

    private DockerOutput Check(DockerOutput result)
    {
        if (result.ExitCode != 0)
            throw new HostCommandException($"Could not {result.Command} on {Name}: {string.Join(" | ", result.Error.Where(line => line.Trim().Length > 0).TakeLast(3))} (exit {result.ExitCode}). " +
                "Fix: check that the deploying user may write the environment's folders there and that the disk is not full.");
        return result;
    }

    /// <summary>A lock held by a running script; released by telling it so and waiting for it to end.</summary>
    private sealed class HeldLock(Process process, string lockFile) : IDisposable
    {
        private bool _released;
        private string? _ending;

        public string LockFile => lockFile;

        /// <summary>Whether the script ended while the lock was still this run's.</summary>
        public bool Lost => !_released && process.HasExited;

        /// <summary>How the script ended: its exit code and its last words.</summary>
        public string Ending() => _ending ??= Said(process.StandardError.ReadToEnd().Split('\n').Where(line => line.Trim().Length > 0).TakeLast(2).ToList());

        private string Said(IReadOnlyList<string> lines) => $"exit {process.ExitCode}{(lines.Count > 0 ? $": {string.Join(" | ", lines)}" : "")}";

        public void Dispose()
        {
            if (_released) return;
            _released = true;
            if (process.HasExited) return;
            try
            {
                process.StandardInput.WriteLine("release");
                process.StandardInput.Close();
            }
            catch (IOException)
            {
                // The script ended already (its connection was lost): the lock ended with it.
            }
            process.WaitForExit(TimeSpan.FromSeconds(30));
            process.Dispose();
        }
    }
}
