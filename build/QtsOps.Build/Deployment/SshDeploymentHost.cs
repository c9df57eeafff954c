using System.Diagnostics;
using System.Formats.Tar;
using System.Globalization;
using System.Text.Json;
using QtsOps.Core.Deployment;
using QtsOps.Core.Environments;
using QtsOps.Tools.Docker;
using QtsOps.Tools.Ssh;

namespace QtsOps.Build.Deployment;

/// <summary>A step on the Docker host that failed there (a full disk, a permission): an IOException, as the same step here would be.</summary>
public sealed class HostCommandException(string message) : IOException(message);

/// <summary>
/// An ssh:// engine's host: every file step is a short POSIX shell script run there over ssh, with the
/// same client, key and pinned host key as the docker CLI's connection (<see cref="SshTransport"/>).
/// The host needs only sh, coreutils, tar, gzip, find and flock (util-linux), which every Linux with
/// Docker has. Paths are the host's, absolute as environments.json gives them; nothing is written on
/// this machine. The deploy lock is an flock that a script holds on the host for as long as this
/// run's ssh session lives, so it ends with the run however the run ends; a session that ends while the
/// run still holds it (the connection dropped) stops every later step of the run here and on the engine.
/// Each script has a time limit, so a host that stops answering stops the run with an error naming the step.
/// </summary>
public sealed class SshDeploymentHost : IDeploymentHost, IHostFileSystem
{
    private readonly Func<string> _client;
    private readonly string _environmentsFile;
    private readonly int? _port;
    private readonly TimeSpan _scriptTimeLimit;
    private readonly TimeSpan _transferTimeLimit;
    private HeldLock? _held;

    /// <summary>How long a file step may take; copies and backups, which move the data, get <see cref="TransferTimeLimit"/>.</summary>
    public static readonly TimeSpan ScriptTimeLimit = TimeSpan.FromMinutes(5);

    public static readonly TimeSpan TransferTimeLimit = TimeSpan.FromMinutes(60);

    /// <param name="client">The ssh client to run (this run's wrapper), asked for on first use.</param>
    /// <param name="dockerHost">ssh://user@host[:port].</param>
    /// <param name="deployDirectory">The environment's deploy directory on the host: the state lives in its .qtsops.</param>
    /// <param name="scriptTimeLimit">Instead of <see cref="ScriptTimeLimit"/> and <see cref="TransferTimeLimit"/> (tests).</param>
    public SshDeploymentHost(Func<string> client, string dockerHost, string deployDirectory, string environmentsFile, TimeSpan? scriptTimeLimit = null)
    {
        _client = client;
        _scriptTimeLimit = scriptTimeLimit ?? ScriptTimeLimit;
        _transferTimeLimit = scriptTimeLimit ?? TransferTimeLimit;
        _environmentsFile = environmentsFile;
        var url = new Uri(dockerHost);
        Destination = url.UserInfo.Length > 0 ? $"{Uri.UnescapeDataString(url.UserInfo)}@{url.Host}" : url.Host;
        _port = url.IsDefaultPort || url.Port <= 0 ? null : url.Port;
        Name = _port is null ? Destination : $"{Destination}:{_port}";
        StateDirectory = Combine(Resolve(deployDirectory), ".qtsops");
    }

    /// <summary>Where its scripts and ssh sessions are counted: its engine's <see cref="DockerEngine.Counts"/>.</summary>
    public CommandCounts Counts { get; init; } = new();

    public string Destination { get; }
    public string Name { get; }
    public IHostFileSystem Files => this;
    public string Where(string path) => $"{Name}:{path}";
    public string StateDirectory { get; }

    /// <summary>&lt;deployDirectory&gt;/.qtsops/locks/&lt;container&gt;.lock on the host.</summary>
    public string LockFile(string containerName) => Combine(Combine(StateDirectory, "locks"), $"{containerName}.lock");

    public string Resolve(string configuredPath) =>
        configuredPath.StartsWith('/') ? configuredPath.TrimEnd('/') is { Length: > 0 } trimmed ? trimmed : "/"
            : throw new PipelineException($"{_environmentsFile}: the path '{configuredPath}' is relative, but the environment runs on {Name}, where it would mean nothing. " +
                "Fix: give the host's absolute path (e.g. /opt/qts-observer/data).");

    public string Combine(string directory, string name) => $"{directory.TrimEnd('/')}/{name}";

    public bool DirectoryExists(string path) => Run($"look for {path}", "test -d \"$1\" || exit 3", path).ExitCode == 0;

    public string? LinkTarget(string path) =>
        Run($"read the link {path}", "if [ -L \"$1\" ]; then readlink \"$1\"; else exit 3; fi", path) is { ExitCode: 0 } found ? found.Output.Single() : null;

    public void ReplaceLink(string link, string target) =>
        Checked($"point {link} at {target}", "ln -sfn \"$2\" \"$1.next\" && mv -Tf \"$1.next\" \"$1\"", link, target);

    public void CopyIn(string localDirectory, string path)
    {
        using var archive = new MemoryStream();
        TarFile.CreateFromDirectory(localDirectory, archive, includeBaseDirectory: false);
        // --no-same-owner: tar run as root would otherwise give the files this machine's uid and gid.
        Check(Run($"copy {localDirectory} to {path}", "mkdir -p \"$1\" && base64 -d | tar -x -p --no-same-owner -C \"$1\"", [path], Convert.ToBase64String(archive.ToArray()) + "\n", _transferTimeLimit));
    }

    public void CopyDirectory(string from, string to) => Check(Run($"copy {from} to {to}", "mkdir -p \"$2\" && cp -a -- \"$1/.\" \"$2/\"", [from, to], null, _transferTimeLimit));

    public void CreateDirectory(string path) => Checked($"create {path}", "mkdir -p -- \"$1\"", path);

    public void DeleteDirectory(string path) => Checked($"delete {path}", "rm -rf -- \"$1\"", path);

    public void MoveDirectory(string from, string to) => Checked($"move {from} to {to}", "mv -T -- \"$1\" \"$2\"", from, to);

    public void Touch(string path) => Checked($"touch {path}", "touch -- \"$1\"", path);

    public IReadOnlyList<(string Name, DateTime LastWriteUtc)> Directories(string path) =>
        [.. Checked($"list {path}", "[ -d \"$1\" ] || exit 0; find \"$1\" -mindepth 1 -maxdepth 1 -type d -printf '%T@ %f\\n'", path).Output
            .Select(line => line.Split(' ', 2))
            .Select(parts => (parts[1], DateTime.UnixEpoch.AddSeconds(double.Parse(parts[0], CultureInfo.InvariantCulture))))];

    public string? ReadAllText(string path) =>
        Run($"read {path}", "[ -f \"$1\" ] || exit 3; cat -- \"$1\"", path) is var read && read.ExitCode == 3 ? null : string.Join("\n", Check(read).Output);

    public void AppendLine(string path, string line) =>
        Checked($"append to {path}", "mkdir -p \"$(dirname \"$1\")\" && { [ ! -s \"$1\" ] || [ -z \"$(tail -c 1 \"$1\")\" ] || printf '\\n'; printf '%s\\n' \"$2\"; } >> \"$1\"", path, line);

    public long AvailableBytes(string path) =>
        long.Parse(Checked($"read the free space of {path}", "p=$1; " + HostStateScript.FreeKilobytes, path)
            .Output.Single(), CultureInfo.InvariantCulture) * 1024;

    public IReadOnlyList<string> Unwritable(IReadOnlyList<string> paths) =>
        Checked("check which folders can be written", "for p in \"$@\"; do e=$p; while [ ! -d \"$e\" ]; do e=$(dirname \"$e\"); done; [ -w \"$e\" ] || printf '%s\\n' \"$p\"; done", [.. paths]).Output;

    /// <summary>
    /// The same archive as <see cref="DataBackup.Create"/> makes here, made by tar on the host: links stored as
    /// links, special files left out and named as DataBackup names them, the health probe left out, 0600 from creation (umask 077),
    /// written as .partial and renamed when whole (partials of killed runs removed first), then read back:
    /// gzip's check, every entry of the list tar was given in the archive, the SHA-256 recorded beside it.
    /// The data is live: a file that grows while tar reads it (records appended) is archived as long as it
    /// was when tar began it, which tar reports as exit 1 ("file changed as we read it"); only 2 and up fail.
    /// </summary>
    public BackupResult BackUp(string dataDirectory, string backupDirectory, string label, DateTimeOffset now)
    {
        const string script = $$"""
            set -e
            umask 077
            data=$1; backups=$2; name=$3
            mkdir -p "$backups"
            for partial in "$backups"/data-*.tar.gz.partial "$backups"/data-*.tar.gz.list; do
              if [ -e "$partial" ]; then rm -f -- "$partial"; echo "partial $partial"; fi
            done
            archive=$backups/$name
            list=$archive.list
            if [ -e "$archive" ]; then echo "$archive exists already" >&2; exit 4; fi
            cd "$data"
            find . ! -name '{{DataBackup.ProbeFiles}}' ! -type f ! -type d ! -type l -printf '%y %P\n' | sed -e 's/^p \(.*\)/\1 (Fifo: not data)/' \
              -e 's/^s \(.*\)/\1 (Socket: not data)/' -e 's/^c \(.*\)/\1 (CharacterDevice: not data)/' -e 's/^b \(.*\)/\1 (BlockDevice: not data)/' -e 's/^/skipped /'
            find . ! -name '{{DataBackup.ProbeFiles}}' \( -type f -o -type d -o -type l \) -print0 | LC_ALL=C sort -z > "$list"
            status=0
            tar --null --no-recursion --warning=no-file-changed -T "$list" -czf "$archive.partial" || status=$?
            if [ "$status" -gt 1 ]; then rm -f -- "$list"; exit "$status"; fi
            gzip -t "$archive.partial"
            listed=$(tar -tzf "$archive.partial" | wc -l)
            expected=$(tr -cd '\000' < "$list" | wc -c)
            rm -f -- "$list"
            if [ "$listed" -ne "$expected" ]; then echo "the archive lists $listed entries, tar was given $expected" >&2; exit 5; fi
            mv -n -- "$archive.partial" "$archive"
            cd "$backups"
            sha256sum -- "$name" > "$name.sha256"
            echo "files $(tar -tvzf "$name" | grep -c '^-' || true)"
            echo "bytes $(wc -c < "$name")"
            echo "sha256 $(cut -d ' ' -f 1 "$name.sha256")"
            """;
        var name = DataBackup.ArchiveName(label, now.UtcDateTime);
        var archive = Combine(backupDirectory, name);
        var said = Check(Run($"back up {dataDirectory} to {archive}", script, [dataDirectory, backupDirectory, name], null, _transferTimeLimit)).Output
            .Select(line => line.Split(' ', 2)).ToLookup(parts => parts[0], parts => parts[1]);
        return new BackupResult(archive, said["sha256"].Single(), int.Parse(said["files"].Single(), CultureInfo.InvariantCulture),
            long.Parse(said["bytes"].Single(), CultureInfo.InvariantCulture), [.. said["skipped"]], [.. said["partial"]]);
    }

    public IReadOnlyList<string> PruneBackups(string backupDirectory, int keep)
    {
        var listed = Checked($"list {backupDirectory}", "[ -d \"$1\" ] || exit 0; ls -1 -- \"$1\"", backupDirectory).Output;
        var removed = DataBackup.NewestFirst(listed.Select(name => Combine(backupDirectory, name))).Skip(keep).ToList();
        foreach (var archive in removed) Checked($"remove {archive}", "rm -f -- \"$1\" \"$1.sha256\"", archive);
        return removed;
    }

    /// <summary>
    /// The lock script holds an flock on the lock file for as long as its ssh session lives and says
    /// "held", or says "busy" and who holds it (after <see cref="DeploymentLock.ReaderWait"/>: a reader holds it for a moment). Released, it is told "release" and removes its owner
    /// file; a session that ends any other way (the run killed, the connection lost) ends the script
    /// and so the flock, and leaves the owner file that tells the next holder.
    /// </summary>
    private static readonly string LockScript = $$"""
        lock=$1; owner=$2; named=$1.owner
        mkdir -p "$(dirname "$lock")" || exit 1
        exec 9>>"$lock" || exit 1
        if ! flock -w {{(int)DeploymentLock.ReaderWait.TotalSeconds}} 9; then echo busy; cat -- "$named" 2>/dev/null; exit 0; fi
        if [ -s "$named" ]; then echo "stale $(cat -- "$named")"; fi
        printf '%s\n' "$owner" > "$named.next" && mv -f -- "$named.next" "$named" || exit 1
        echo held
        read -r word || true
        if [ "$word" = release ]; then rm -f -- "$named"; fi
        """;

    public IDisposable AcquireLock(string lockFile, string environment, LockOwner owner, Action<string> warn)
    {
        EnsureLockHeld();
        // In a session of its own: a Ctrl-C stops the run cleanly (rolling back, recording), and the host must stay locked meanwhile.
        var process = SshRunner.Start(Command(LockScript, lockFile, JsonSerializer.Serialize(owner)), ownSession: true);
        Counts.SshSession();
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
        Check(result);
        throw new HostCommandException($"Taking the deploy lock {lockFile} on {Name} ended without an answer.");
    }

    public LockState InspectLock(string lockFile)
    {
        const string script = """
            [ -e "$1" ] || { echo free; exit 0; }
            exec 9<"$1" || exit 1
            if flock -n 9; then echo free; else echo held; fi
            cat -- "$1.owner" 2>/dev/null || true
            """;
        var said = Checked($"read the deploy lock {lockFile}", script, lockFile).Output;
        return new LockState(said.FirstOrDefault() == "held", said.Count > 1 ? ParseOwner(lockFile, said[1]) : null);
    }

    public HostState ReadState(HostStatePaths paths) =>
        HostState.Parse(Checked("read the deployment's state", HostStateScript.Text,
            paths.ReleasesDirectory, paths.CurrentLink, paths.ActiveLink, paths.HistoryFile, paths.LockFile, paths.DeployDirectory).Output, text => ParseOwner(paths.LockFile, text));

    private LockOwner? ParseOwner(string lockFile, string text) => DeploymentLock.ParseOwner(text, Where(DeploymentLock.OwnerFileOf(lockFile)));

    private SshCommand Command(string script, params string[] arguments) => new(_client(), Destination, _port, script, arguments);

    /// <summary>
    /// Throws when this run took the deploy lock and its session ended without being released (the
    /// connection dropped, or its ssh was killed): another run may hold the lock now, so nothing more
    /// may be changed on the host. Every step here and on the host's engine asks first.
    /// </summary>
    public void EnsureLockHeld()
    {
        if (_held is { Lost: true } lost)
            throw new HostCommandException($"The deploy lock {lost.LockFile} was lost: its ssh connection to {Name} ended while this run held it " +
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
        Counts.HostScript();
        DockerOutput result;
        try
        {
            result = SshRunner.Run(Command(script, arguments), limit, input) with { Command = what };
        }
        catch (TimeoutException)
        {
            throw new HostCommandException($"{Name} did not finish the step '{what}' within {limit.TotalSeconds:0} s: it was stopped there, and the run with it. " +
                $"Fix: check that {Name} answers (ssh {(_port is null ? "" : $"-p {_port} ")}{Destination} true) and is not overloaded, and what holds that path there, then run again.");
        }
        if (result.ExitCode == SshRunner.ConnectionFailed) throw new PipelineException($"Could not {what}: {DockerEngine.Unreachable($"ssh://{Name}", result)}");
        return result;
    }

    private DockerOutput Check(DockerOutput result)
    {
        if (result.ExitCode != 0)
            throw new HostCommandException($"Could not {result.Command} on {Name}: {string.Join(" | ", result.Error.Where(line => line.Trim().Length > 0).TakeLast(3))} (exit {result.ExitCode}). " +
                "Fix: check that the ssh user may write the environment's folders there and that the disk is not full.");
        return result;
    }

    /// <summary>A lock held by a running script; released by telling it so and waiting for it to end.</summary>
    private sealed class HeldLock(Process process, string lockFile) : IDisposable
    {
        private bool _released;

        public string LockFile => lockFile;

        /// <summary>Whether the script ended while the lock was still this run's.</summary>
        public bool Lost => !_released && process.HasExited;

        /// <summary>How the session ended: ssh's exit code and its last words.</summary>
        public string Ending() => _ending ??= Said(process.StandardError.ReadToEnd().Split('\n').Where(line => line.Trim().Length > 0).TakeLast(2).ToList());

        private string? _ending;

        private string Said(IReadOnlyList<string> lines) => $"ssh exit {process.ExitCode}{(lines.Count > 0 ? $": {string.Join(" | ", lines)}" : "")}";

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
                // The session ended already (the connection was lost): the host let go of the lock with it.
            }
            process.WaitForExit(TimeSpan.FromSeconds(30));
            process.Dispose();
        }
    }
}
