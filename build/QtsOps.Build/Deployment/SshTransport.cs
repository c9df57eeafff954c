using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Runtime.Versioning;
using QtsOps.Tools;
using QtsOps.Tools.Docker;
using QtsOps.Tools.Ssh;

namespace QtsOps.Build.Deployment;

/// <summary>
/// How the docker CLI (and compose) reach an ssh:// engine: they run <c>ssh</c> from PATH, so their
/// processes get a wrapper named ssh first on PATH that adds this run's key and known hosts, and
/// keeps host-key checking strict and prompts off whatever ~/.ssh/config says. A key or known_hosts
/// given as text is written 0600 into a 0700 temporary directory that the end of the run deletes;
/// the directory names its run's process, so that the next run deletes one a killed run left.
/// The connection options are the run's too. One connection per host for the whole run: the first
/// call starts a master (ControlMaster=auto, ControlPersist) whose socket is in this run's directory,
/// and every later call, the docker CLI's and the host scripts', is a session on it; the end of the
/// run closes it (ssh -O exit), and the next run closes one a killed run left. The engine is reached through a socket
/// the master forwards to the host's (<see cref="EngineSocket"/>): a docker call is a channel on the connection. Never a master the
/// user's config would start: our ControlPath, given first, wins over theirs (theirs would outlive
/// the run and its key, and later runs would reuse it without their own key or host-key check).
/// A bounded connect and keep-alives, so that a host that stops answering (or a NAT that drops an
/// idle connection) ends the call instead of hanging the run.
/// </summary>
public sealed class SshTransport(string? keyText, string? keyFile, string? knownHostsText, string? searchPath) : IDisposable
{
    public const string DirectoryPrefix = "qtsops-ssh-";

    /// <summary>The file in the directory that names the process of the run it belongs to.</summary>
    public const string ProcessFile = "pid";

    /// <summary>The file in the directory that gets a line "host:port" for each ssh connection the run opened (<see cref="ConnectionsTo"/>).</summary>
    public const string ConnectionsFile = "connections";

    /// <summary>How long a connection may take to be set up (TCP connect and ssh's banner exchange).</summary>
    public static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(15);

    /// <summary>A keep-alive every this often, and the connection given up after <see cref="KeepAlivesUnanswered"/> unanswered: a dead host is noticed within a minute.</summary>
    public static readonly TimeSpan KeepAliveInterval = TimeSpan.FromSeconds(15);

    public const int KeepAlivesUnanswered = 4;

    /// <summary>The master's socket in the run's directory: mux-&lt;hash of user, host and port&gt; (%C), one per host.</summary>
    public const string MasterPrefix = "mux-";

    /// <summary>
    /// The longest directory a master's socket fits in: a Unix socket's path has at most 107 bytes, and ssh
    /// adds 17 to the name (%C's 40) while it makes the master. In a longer one (a long TMPDIR) each call connects on its own.
    /// </summary>
    public const int LongestDirectoryForMaster = 107 - 17 - 40 - 1 - 4; // 4: MasterPrefix

    /// <summary>The socket in the run's directory that reaches an ssh:// host's engine: engine-&lt;hash of the docker host&gt;.sock (<see cref="EngineSocket"/>).</summary>
    public const string EngineSocketPrefix = "engine-";

    /// <summary>
    /// Asks the host where its engine listens, as <c>docker system dial-stdio</c> there would reach it: DOCKER_HOST of the
    /// session, else the docker context's endpoint, else the default socket.
    /// </summary>
    public const string EngineEndpointScript =
        """if [ -n "${DOCKER_HOST:-}" ]; then echo "$DOCKER_HOST"; else docker context inspect --format '{{.Endpoints.docker.Host}}' 2>/dev/null || echo unix:///var/run/docker.sock; fi""";

    private string? _realSsh;

    /// <summary>Each host's forward, made once: the hosts of a run make theirs at the same time.</summary>
    private readonly ConcurrentDictionary<string, Lazy<string?>> _engineSockets = new(StringComparer.Ordinal);

    private string? _directory;

    /// <summary>The connections made ahead (<see cref="ConnectAhead"/>), by host.</summary>
    private readonly Dictionary<string, Task> _ahead = new(StringComparer.Ordinal);

    public static bool IsSshHost([NotNullWhen(true)] string? dockerHost) => dockerHost?.StartsWith("ssh://", StringComparison.OrdinalIgnoreCase) == true;

    /// <summary>Where this run's wrapper, key and known_hosts are; null until an ssh:// engine was first called.</summary>
    public string? Directory => _directory;

    /// <summary>
    /// The variables a docker process for an ssh:// engine runs with: PATH with the wrapper first, and
    /// compose v1 kept on the ssh client (its paramiko transport would bypass the wrapper and its settings).
    /// </summary>
    public IReadOnlyDictionary<string, string> ProcessVariables()
    {
        Prepared();
        return new Dictionary<string, string> { ["PATH"] = $"{_directory}{Path.PathSeparator}{searchPath}", ["COMPOSE_PARAMIKO_SSH"] = "0" };
    }

    /// <summary>This run's ssh client (the wrapper), for the scripts run on the host: the same connection settings as docker's.</summary>
    public string Client
    {
        get
        {
            return Path.Combine(Prepared(), "ssh");
        }
    }

    private readonly object _preparing = new();

    /// <summary>The run's ssh folder, written on first use: once, though several hosts of a run may first ask at the same time.</summary>
    private string Prepared()
    {
        lock (_preparing)
        {
            if (_directory is null) Prepare();
            return _directory!;
        }
    }

    private void Prepare()
    {
        if (OperatingSystem.IsWindows())
            throw new PipelineException("An ssh:// Docker host needs Linux or macOS for now (the ssh wrapper is a shell script). Fix: run the pipeline from Linux or macOS, or in WSL.");
        if (keyText is not null && keyFile is not null)
            throw new PipelineException("Both QTSOPS_SSH_KEY and QTSOPS_SSH_KEY_FILE (--ssh-key-file) are set: give the ssh key one way only.");
        if (keyFile is not null && !File.Exists(keyFile))
            throw new PipelineException($"The ssh key file '{keyFile}' (QTSOPS_SSH_KEY_FILE, --ssh-key-file) does not exist. Fix: give the path of the private key, or leave it unset to use the ssh agent and ~/.ssh/config.");
        var ssh = FindRealSsh() ?? throw new PipelineException(
            "The docker CLI reaches ssh:// engines with the OpenSSH client, and no ssh is on PATH. Fix: install it (apt-get install openssh-client).");

        DeleteLeftOvers(ssh);
        _realSsh = ssh;
        var directory = _directory = System.IO.Directory.CreateTempSubdirectory(DirectoryPrefix).FullName;
        // The host's end-of-run handler does not run when a signal ends the process; the process's exit does, except for SIGKILL: see DeleteLeftOvers.
        AppDomain.CurrentDomain.ProcessExit += DeleteOnExit;
        File.SetUnixFileMode(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        WritePrivate(directory, ProcessFile, Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        var options = new List<string> { "-o", "StrictHostKeyChecking=yes", "-o", "BatchMode=yes" };
        options.AddRange(directory.Length <= LongestDirectoryForMaster
            ? ["-o", "ControlMaster=auto", "-o", $"ControlPath={Path.Combine(directory, MasterPrefix)}%C", "-o", "ControlPersist=yes"]
            : ["-o", "ControlMaster=no", "-o", "ControlPath=none"]);
        // ssh runs LocalCommand once per connection it opens, after logging in: never for a session on a master, but for the master
        // itself and for a call that connects on its own (multiplexing off, or sshd refused the master another session: MaxSessions).
        // So the file counts what sshd counts. The user's LocalCommand is replaced, as their other connection options are.
        options.AddRange(["-o", "PermitLocalCommand=yes",
            "-o", $"LocalCommand=echo %n:%p >> {Quote(Path.Combine(directory, ConnectionsFile)).Replace("%", "%%", StringComparison.Ordinal)}"]);
        options.AddRange(["-o", $"ConnectTimeout={(int)ConnectTimeout.TotalSeconds}", "-o", $"ServerAliveInterval={(int)KeepAliveInterval.TotalSeconds}",
            "-o", $"ServerAliveCountMax={KeepAlivesUnanswered}"]);
        if ((keyText is null ? keyFile : WritePrivate(directory, "id", keyText)) is { } key)
            options.AddRange(["-i", key, "-o", "IdentitiesOnly=yes"]);
        if (knownHostsText is not null)
            options.AddRange(["-o", $"UserKnownHostsFile={WritePrivate(directory, "known_hosts", knownHostsText)}"]);
        // Options given first win over ~/.ssh/config and over the ones the docker CLI passes after them.
        WritePrivate(directory, "ssh", $"#!/bin/sh\nexec {Quote(ssh)} {string.Join(" ", options.Select(Quote))} \"$@\"\n",
            UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    /// <summary>Created with its mode, so the text is never readable by others, not even for a moment (also the release signing key's).</summary>
    [UnsupportedOSPlatform("windows")]
    internal static string WritePrivate(string directory, string name, string text, UnixFileMode mode = UnixFileMode.UserRead | UnixFileMode.UserWrite)
    {
        var path = Path.Combine(directory, name);
        using var stream = new FileStream(path, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = mode });
        using var writer = new StreamWriter(stream);
        // CI secrets lose their final newline or gain CRs; OpenSSH reads neither key format then.
        writer.Write(text.ReplaceLineEndings("\n").TrimEnd('\n') + "\n");
        return path;
    }

    /// <summary>
    /// Deletes the directories (and so the keys) of this user's runs that ended without deleting theirs
    /// (SIGKILL runs no handler), after closing the masters they left: those whose process is gone. One without its process file is being made, or not ours to judge.
    /// </summary>
    private static void DeleteLeftOvers(string ssh)
    {
        foreach (var directory in System.IO.Directory.EnumerateDirectories(Path.GetTempPath(), DirectoryPrefix + "*"))
        {
            try
            {
                if (!int.TryParse(File.ReadAllText(Path.Combine(directory, ProcessFile)), CultureInfo.InvariantCulture, out var pid) || IsRunning(pid)) continue;
                CloseMasters(ssh, directory);
                System.IO.Directory.Delete(directory, recursive: true);
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                // Another user's, or deleted by another run at the same moment.
            }
        }
    }

    /// <summary>
    /// Ends each master whose socket is in <paramref name="directory"/> (ssh -O exit: it closes its connection and
    /// removes its socket) and waits for its process to be gone. Without the user's config (-F /dev/null): only our socket is addressed.
    /// </summary>
    private static void CloseMasters(string ssh, string directory)
    {
        foreach (var socket in System.IO.Directory.EnumerateFileSystemEntries(directory, MasterPrefix + "*"))
        {
            // "Master running (pid=N)", on stderr.
            var check = Control(ssh, socket, "check");
            var master = System.Text.RegularExpressions.Regex.Match(check, @"pid=(\d+)") is { Success: true } found ? int.Parse(found.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
            Control(ssh, socket, "exit");
            for (var waited = 0; master > 0 && IsRunning(master) && waited < 500; waited++) Thread.Sleep(20);
        }
    }

    /// <summary>Runs ssh -O <paramref name="command"/> on a master's socket; returns what it said.</summary>
    private static string Control(string ssh, string socket, string command)
    {
        var start = new System.Diagnostics.ProcessStartInfo(ssh) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { "-F", "/dev/null", "-o", $"ControlPath={socket}", "-O", command, "qtsops-master" }) start.ArgumentList.Add(argument);
        foreach (var (name, value) in ChildEnvironment.For(ChildProgram.Ssh)) start.Environment[name] = value;
        using var process = ChildSessions.Start(start);
        var said = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return output + said.Result;
    }

    /// <summary>
    /// Whether the process runs. One that ended but was not collected by its parent yet (a zombie) does not: it holds no connection
    /// any more. A master is init's child once it persists, and some inits (a container's, a sandbox's) collect theirs seconds later.
    /// </summary>
    public static bool IsRunning(int pid)
    {
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return !process.HasExited && !IsZombie(pid);
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    /// <summary>Whether /proc says the process ended and waits to be collected (state Z); false where there is no /proc (macOS).</summary>
    private static bool IsZombie(int pid)
    {
        try
        {
            // "PID (COMMAND) STATE ...": the command may hold spaces and parentheses, the state follows the last ')'.
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat.LastIndexOf(')') is var end and >= 0 && stat.Length > end + 2 && stat[end + 2] == 'Z';
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>The ssh connections this run opened (logged in) to the ssh:// engine <paramref name="dockerHost"/>'s host, from <see cref="ConnectionsFile"/>.</summary>
    public int ConnectionsTo(string dockerHost)
    {
        var target = new Uri(dockerHost);
        var named = $"{target.Host}:{(target.Port > 0 ? target.Port : 22)}";
        var file = _directory is null ? null : Path.Combine(_directory, ConnectionsFile);
        return file is null || !File.Exists(file) ? 0 : File.ReadLines(file).Count(line => line == named);
    }

    /// <summary>
    /// A socket in this run's directory that reaches <paramref name="dockerHost"/>'s engine through the run's master
    /// connection (ssh -O forward -L): docker and compose talk to it as to an engine here, so an engine call costs a
    /// channel on that connection instead of an ssh session that starts <c>docker system dial-stdio</c> on the host
    /// (a process there for each call, and compose opens several). Made on the first ask, with one session that
    /// asks the host where its engine listens (counted in <paramref name="counts"/>). Null, and the calls go to
    /// ssh:// as given, when there is no master (a directory too long for its socket), the host's engine is no
    /// unix socket, or the session or the forward failed: a call then fails as it always did, and says why (a host key that is not pinned).
    /// </summary>
    public string? EngineSocket(string dockerHost, CommandCounts counts)
    {
        var forward = _engineSockets.GetOrAdd(dockerHost, host => new Lazy<string?>(() => Forward(host, counts)));
        try
        {
            return forward.Value;
        }
        catch (Exception)
        {
            // The next call makes it again.
            _engineSockets.TryRemove(new(dockerHost, forward));
            throw;
        }
    }

    /// <summary>
    /// Makes <see cref="EngineSocket"/> for <paramref name="dockerHost"/> in the background: the connection's handshake and the engine's forward
    /// are made while the run does other work (this machine's setup), and the first call waits for them. A failure is left to that call, which
    /// makes it again and says why. <see cref="Dispose"/> waits for it, so that no master connection outlives the run.
    /// </summary>
    public void ConnectAhead(string dockerHost, CommandCounts counts)
    {
        lock (_ahead)
        {
            if (_ahead.ContainsKey(dockerHost)) return;
            _ahead[dockerHost] = Task.Run(() =>
            {
                try
                {
                    EngineSocket(dockerHost, counts);
                }
                catch (Exception)
                {
                    // The first call makes it again, and its error is the run's.
                }
            });
        }
    }

    private string? Forward(string dockerHost, CommandCounts counts)
    {
        var client = Client;
        if (_directory!.Length > LongestDirectoryForMaster) return null;
        var target = new Uri(dockerHost);
        int? port = target.Port > 0 ? target.Port : null;
        var login = target.UserInfo.Length > 0 ? $"{Uri.UnescapeDataString(target.UserInfo)}@{target.Host}" : target.Host;
        string[] destination = [.. port is { } given ? new[] { "-p", given.ToString(CultureInfo.InvariantCulture) } : [], "--", login];
        // A host script as every other: run by the one runner, with the environment an ssh client gets.
        counts.HostScript(overSsh: true);
        if (AskEndpoint(new SshCommand(client, login, port, EngineEndpointScript, [])) is not { } endpoint || !endpoint.StartsWith("unix://", StringComparison.Ordinal)) return null;
        var remote = endpoint["unix://".Length..];
        var hash = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(dockerHost)))[..12].ToLowerInvariant();
        var socket = Path.Combine(_directory, $"{EngineSocketPrefix}{hash}.sock");
        var forwarded = RunClient(client, ["-O", "forward", "-L", $"{socket}:{remote}", .. destination]);
        return forwarded == 0 && File.Exists(socket) ? socket : null;
    }

    /// <summary>Where the host's engine listens, as <see cref="EngineEndpointScript"/> says it; null when the session failed or took longer than the connect timeout and a little more.</summary>
    private static string? AskEndpoint(SshCommand ask)
    {
        try
        {
            return ScriptRunner.Run(ask, ConnectTimeout + ConnectTimeout) is { ExitCode: 0, Output: [var endpoint, ..] } ? endpoint.Trim() : null;
        }
        catch (TimeoutException)
        {
            return null;
        }
    }

    /// <summary>Runs this run's ssh client with <paramref name="arguments"/> (a control command to its master), within the connect timeout and a little more; its exit code (-1 when it took longer).</summary>
    private static int RunClient(string client, IEnumerable<string> arguments)
    {
        var start = new System.Diagnostics.ProcessStartInfo(client) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        // The variables any ssh client of the run gets (ScriptRunner's too): none of the run's secrets.
        foreach (var (name, value) in ChildEnvironment.For(ChildProgram.Ssh)) start.Environment[name] = value;
        using var process = ChildSessions.Start(start);
        process.StandardInput.Close();
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEndAsync();
        if (!process.WaitForExit(ConnectTimeout + ConnectTimeout))
        {
            process.Kill(entireProcessTree: true);
            return -1;
        }
        _ = error.Result;
        _ = output.Result;
        return process.ExitCode;
    }

    private string? FindRealSsh() => (searchPath ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
        .Select(directory => Path.Combine(directory, "ssh"))
        .FirstOrDefault(File.Exists);

    private static string Quote(string word) => $"'{word.Replace("'", "'\\''")}'";

    /// <summary>
    /// The error for a docker call that ssh refused because the host's key is not pinned or differs
    /// from the pinned one (ssh then stops before logging in, so nothing ran there); null for other failures.
    /// </summary>
    public static string? HostKeyRefusal(string? dockerHost, DockerOutput result)
    {
        var said = string.Join("\n", result.Error);
        if (!IsSshHost(dockerHost) || !said.Contains("Host key verification failed", StringComparison.Ordinal)) return null;
        var target = new Uri(dockerHost);
        var port = target.Port > 0 ? target.Port : 22;
        var changed = said.Contains("REMOTE HOST IDENTIFICATION HAS CHANGED", StringComparison.Ordinal);
        var problem = changed ? "differs from the key pinned for it (ssh: REMOTE HOST IDENTIFICATION HAS CHANGED)" : "is not pinned (ssh: no host key is known for it)";
        var entry = port == 22 ? target.Host : $"[{target.Host}]:{port}";
        return $"The ssh host key of {target.Host}:{port} {problem}, so ssh refused to connect: nothing was run on that host. " +
            "Fix: make sure of the key with the host's administrator, then pin it: " +
            (changed ? $"remove the old one (ssh-keygen -R '{entry}'), then " : "") +
            $"ssh-keyscan -p {port} {target.Host} >> ~/.ssh/known_hosts, or set QTSOPS_SSH_KNOWN_HOSTS to those lines (a CI secret).";
    }

    private void DeleteOnExit(object? sender, EventArgs e) => Dispose();

    public void Dispose()
    {
        // Bounded by the connect timeouts of its session and forward.
        lock (_ahead) Task.WaitAll([.. _ahead.Values]);
        AppDomain.CurrentDomain.ProcessExit -= DeleteOnExit;
        if (_directory is null) return;
        CloseMasters(_realSsh!, _directory);
        System.IO.Directory.Delete(_directory, recursive: true);
        _directory = null;
    }
}
