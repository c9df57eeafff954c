using System.Text.Json;
using QtsOps.Build.Deployment;
using QtsOps.Tests.Host;

namespace QtsOps.Tests.Docker;

/// <summary>
/// The pipeline on an ssh:// Docker host (<see cref="SshTestHost"/>): the key and the pinned host key
/// come from the QTSOPS_SSH_* settings, a host whose key is not the pinned one is refused before
/// anything runs there, and neither the key nor known_hosts is left on disk or shown.
/// </summary>
[TestFixture, Category("Docker"), NonParallelizable]
public class SshDockerHostTests
{
    private SshTestHost _host = null!;
    private ScratchRepository _repository = null!;
    private TempDirectory _temp = null!;
    private const string EnvironmentsFile = "ssh-environments.json";

    [OneTimeSetUp]
    public void StartHostAndScratchRepository()
    {
        _host = new SshTestHost();
        _repository = new ScratchRepository();
        _temp = new TempDirectory();
        // 'staging' on the test host; its container is the host's own, so that status has a running one to find on that engine.
        var environments = _host.EnvironmentsWithStagingHere();
        environments["staging"]!["containerName"] = _host.Container;
        _repository.Write(EnvironmentsFile, environments.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }

    [OneTimeTearDown]
    public void StopHost()
    {
        _host?.Dispose();
        _repository?.Dispose();
        _temp?.Dispose();
    }

    private HostRun Status(string? key, string? keyFile, string knownHosts, params string[] options)
    {
        // The key's temporary directory goes under TMPDIR, so this test can see that none is left behind.
        using var variables = new EnvironmentVariableScope()
            .Set("QTSOPS_SSH_KEY", key).Set("QTSOPS_SSH_KEY_FILE", keyFile).Set("QTSOPS_SSH_KNOWN_HOSTS", knownHosts).Set("TMPDIR", _temp.Path);
        return _repository.RunPipeline(["--target=status", "--env=staging", $"--environments={EnvironmentsFile}", .. options]);
    }

    [TestCase(true, TestName = "Status reaches the engine over ssh with the key from QTSOPS_SSH_KEY and the host pinned by QTSOPS_SSH_KNOWN_HOSTS")]
    [TestCase(false, TestName = "Status reaches the engine over ssh with the key file from QTSOPS_SSH_KEY_FILE")]
    public void Status_reaches_the_engine_over_ssh(bool keyAsText)
    {
        var loginsBefore = Logins();

        var run = keyAsText ? Status(_host.PrivateKey, null, _host.KnownHosts) : Status(null, _host.KeyFile, _host.KnownHosts);

        Assert.That(run.ExitCode, Is.Zero, run.Output + run.Error);
        Assert.That(run.Output, Does.Contain($"`{_host.Container}`: running"), "status read the host's container from the engine");
        Assert.That(Logins(), Is.GreaterThan(loginsBefore), "through sshd, as qtsops with the test key");
        AssertNoSecretShownOrLeft(run);
    }

    [TestCase(true, TestName = "A host whose key differs from the pinned one is refused before anything runs there, with how to pin it")]
    [TestCase(false, TestName = "A host with no pinned key is refused before anything runs there, with how to pin it")]
    public void A_host_key_that_is_not_the_pinned_one_is_refused(bool pinnedToAnotherKey)
    {
        var otherKey = File.ReadAllText(_host.GenerateKey($"other-{Guid.NewGuid():N}") + ".pub").Split(' ');
        var knownHosts = pinnedToAnotherKey ? $"[127.0.0.1]:{_host.Port} {otherKey[0]} {otherKey[1]}" : $"[127.0.0.2]:{_host.Port} {otherKey[0]} {otherKey[1]}";
        var loginsBefore = Logins();

        var run = Status(_host.PrivateKey, null, knownHosts);

        Assert.That(run.ExitCode, Is.EqualTo(1));
        Assert.That(run.Error, Does.Contain($"The ssh host key of 127.0.0.1:{_host.Port}")
            .And.Contain(pinnedToAnotherKey ? "REMOTE HOST IDENTIFICATION HAS CHANGED" : "is not pinned")
            .And.Contain("nothing was run on that host")
            .And.Contain($"ssh-keyscan -p {_host.Port} 127.0.0.1 >> ~/.ssh/known_hosts").And.Contain("QTSOPS_SSH_KNOWN_HOSTS"));
        Assert.That(Logins(), Is.EqualTo(loginsBefore), "ssh stopped before logging in");
        Assert.That(run.Output + run.Error, Does.Not.Contain(otherKey[1]), "the pinned key is not shown");
        AssertNoSecretShownOrLeft(run);
    }

    [Test]
    public void A_host_that_accepts_and_never_answers_fails_the_run_within_the_connect_timeout_naming_the_host()
    {
        using var silent = new SilentListener();

        var run = Task.Run(() => Status(_host.PrivateKey, null, _host.KnownHosts, $"--docker-host=ssh://{SshTestHost.User}@127.0.0.1:{silent.Port}"));

        // A bound for a hang, not a speed: without ConnectTimeout ssh waits for the banner for ever.
        Assert.That(run.Wait(TimeSpan.FromMinutes(2)), Is.True, "the run hung on a host that does not answer");
        Assert.That(run.Result.ExitCode, Is.EqualTo(1));
        Assert.That(run.Result.Error, Does.Contain($"ssh://{SshTestHost.User}@127.0.0.1:{silent.Port} is not reachable").And.Contain("timed out"));
        Assert.That(silent.Accepted, Is.GreaterThan(0), "ssh reached the listener and waited for its banner");
        AssertNoSecretShownOrLeft(run.Result);

        // The docker CLI bounds its own connection; the host's file steps are this run's ssh alone.
        using var transport = new SshTransport(null, _host.KeyFile, _host.KnownHosts, Environment.GetEnvironmentVariable("PATH"));
        var host = new SshDeploymentHost(() => transport.Client, $"ssh://{SshTestHost.User}@127.0.0.1:{silent.Port}", "/srv/qts", EnvironmentsFile);
        var step = Task.Run(() => host.Files.DirectoryExists("/srv/qts"));
        Assert.That(((Task)step).ContinueWith(_ => { }).Wait(TimeSpan.FromMinutes(2)), Is.True, "a host step hung on a host that does not answer");
        Assert.That(step.Exception?.InnerException, Is.InstanceOf<QtsOps.Build.PipelineException>()
            .With.Message.StartWith($"Could not look for /srv/qts: The Docker engine at ssh://{SshTestHost.User}@127.0.0.1:{silent.Port} is not reachable"));
    }

    [Test]
    public void A_host_step_that_does_not_finish_is_stopped_at_its_time_limit_with_an_error_naming_the_host_and_the_step()
    {
        using var transport = new SshTransport(null, _host.KeyFile, _host.KnownHosts, Environment.GetEnvironmentVariable("PATH"));
        var host = new SshDeploymentHost(() => transport.Client, _host.DockerHost, Path.Combine(_host.DeployRoot, "limit"), EnvironmentsFile, scriptTimeLimit: TimeSpan.FromSeconds(3));
        // Appending to a FIFO nobody reads blocks on the host for ever, as a step on a hung mount would.
        var fifo = Path.Combine(_host.DeployRoot, $"stuck-{Guid.NewGuid():N}");
        Command.Run("mkfifo", "-m", "666", fifo).EnsureSuccess("mkfifo"); // the host's user is not this one

        var append = Task.Run(() => host.Files.AppendLine(fifo, "a line"));

        // A bound for a hang, not a speed.
        Assert.That(((Task)append).ContinueWith(_ => { }).Wait(TimeSpan.FromMinutes(1)), Is.True, "the step was not stopped");
        Assert.That(append.Exception?.InnerException, Is.InstanceOf<HostCommandException>().With.Message.EqualTo(
            $"{SshTestHost.User}@127.0.0.1:{_host.Port} did not finish the step 'append to {fifo}' within 3 s: it was stopped there, and the run with it. " +
            $"Fix: check that {SshTestHost.User}@127.0.0.1:{_host.Port} answers (ssh -p {_host.Port} {SshTestHost.User}@127.0.0.1 true) and is not overloaded, and what holds that path there, then run again."));
        Assert.That(() => host.Files.DirectoryExists(_host.DeployRoot), Is.True, "the host answers the next step");
    }

    [Test]
    public void A_master_the_users_ssh_config_would_start_is_not_started_and_compose_v1_keeps_to_the_wrapper()
    {
        // The user's ~/.ssh/config as -F gives it (ssh reads the real one from the passwd home, not $HOME).
        // Short: a Unix socket's path has at most 107 bytes, and ssh adds 17 to %C's 40 while it makes the master.
        var sockets = Directory.CreateDirectory(Path.Combine(_temp.Path, $"m{Guid.NewGuid().ToString("N")[..6]}")).FullName;
        var config = Path.Combine(_temp.Path, $"user-config-{Guid.NewGuid():N}");
        File.WriteAllText(config, $"Host *\n  ControlMaster auto\n  ControlPath {sockets}/%C\n  ControlPersist 10m\n");
        using var transport = new SshTransport(null, _host.KeyFile, _host.KnownHosts, Environment.GetEnvironmentVariable("PATH"));

        var login = Command.Run(transport.Client, "-F", config, "-p", _host.Port.ToString(), $"{SshTestHost.User}@127.0.0.1", "true");

        var masters = Directory.GetFileSystemEntries(sockets);
        foreach (var master in masters) Command.Run("ssh", "-S", master, "-O", "exit", "dummy"); // main's: stop the master it left
        Assert.That(login.ExitCode, Is.Zero, login.Error);
        Assert.That(masters, Is.Empty, "no master outlives the call");
        Assert.That(transport.ProcessVariables(), Does.ContainKey("COMPOSE_PARAMIKO_SSH").WithValue("0"));
    }

    [Test]
    public void A_run_opens_one_connection_to_its_host_for_every_call_and_closes_it_at_its_end()
    {
        var (loginsBefore, disconnectionsBefore) = (Logins(), _host.Disconnections());

        var run = Status(null, _host.KeyFile, _host.KnownHosts);

        Assert.That(run.ExitCode, Is.Zero, run.Output + run.Error);
        Assert.That(Logins() - loginsBefore, Is.EqualTo(1), "the engine's calls and the host's scripts share one connection");
        // The master ends with the run (ssh -O exit, waited for): no ssh of the run is left, and sshd sees its connection end.
        Assert.That(ProcessesMentioning(_temp.Path), Is.Empty);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (_host.Disconnections() - disconnectionsBefore < 1 && DateTime.UtcNow < deadline) Thread.Sleep(100);
        Assert.That(_host.Disconnections() - disconnectionsBefore, Is.EqualTo(1), _host.SshdLog());
    }

    /// <summary>The processes whose command line names <paramref name="text"/> (a master names its socket).</summary>
    private static List<string> ProcessesMentioning(string text) => [.. Directory.EnumerateDirectories("/proc")
        .Where(directory => int.TryParse(Path.GetFileName(directory), out _))
        .Select(directory => { try { return File.ReadAllText(Path.Combine(directory, "cmdline")).Replace('\0', ' '); } catch (IOException) { return ""; } })
        .Where(command => command.Contains(text))];

    [Test]
    public void The_key_a_killed_run_left_is_deleted_by_the_next_run()
    {
        using var silent = new SilentListener();
        // The pipeline as ./build.sh runs it, in its own process; it waits on the silent host with its key written.
        var start = new System.Diagnostics.ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, "QtsOps.Build"))
        {
            WorkingDirectory = _repository.Path, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        foreach (var argument in new[] { "--target=status", "--env=staging", $"--environments={EnvironmentsFile}", $"--docker-host=ssh://{SshTestHost.User}@127.0.0.1:{silent.Port}" })
            start.ArgumentList.Add(argument);
        start.Environment["QTSOPS_SSH_KEY"] = _host.PrivateKey;
        start.Environment["QTSOPS_SSH_KNOWN_HOSTS"] = _host.KnownHosts;
        start.Environment["TMPDIR"] = _temp.Path;
        using var pipeline = System.Diagnostics.Process.Start(start)!;
        pipeline.BeginOutputReadLine();
        pipeline.BeginErrorReadLine();
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (silent.Accepted == 0)
        {
            Assert.That(pipeline.HasExited, Is.False, "the run ended before it connected");
            Assert.That(DateTime.UtcNow, Is.LessThan(deadline), "the run never connected");
            Thread.Sleep(50);
        }

        pipeline.Kill(); // SIGKILL: no handler runs
        pipeline.WaitForExit();
        var left = Directory.GetDirectories(_temp.Path, SshTransport.DirectoryPrefix + "*");
        Assert.That(left.Select(directory => Path.Combine(directory, "id")), Has.Some.Exist, "the killed run left its key");

        var next = Status(_host.PrivateKey, null, _host.KnownHosts);

        Assert.That(next.ExitCode, Is.Zero, next.Output + next.Error);
        Assert.That(left, Has.None.Exist, "the next run deleted what the killed one left");
        AssertNoSecretShownOrLeft(next);
    }

    /// <summary>A TCP port that accepts connections and never says a word, as a hung host (or a black-holing firewall in front of it) does.</summary>
    private sealed class SilentListener : IDisposable
    {
        private readonly System.Net.Sockets.TcpListener _listener = new(System.Net.IPAddress.Loopback, 0);
        private readonly List<System.Net.Sockets.Socket> _held = [];
        private int _accepted;

        public SilentListener()
        {
            _listener.Start();
            _ = Task.Run(async () =>
            {
                while (true)
                {
                    System.Net.Sockets.Socket socket;
                    try
                    {
                        socket = await _listener.AcceptSocketAsync();
                    }
                    catch (Exception exception) when (exception is System.Net.Sockets.SocketException or ObjectDisposedException)
                    {
                        return;
                    }
                    lock (_held) _held.Add(socket);
                    Interlocked.Increment(ref _accepted);
                }
            });
        }

        public int Port => ((System.Net.IPEndPoint)_listener.LocalEndpoint).Port;

        public int Accepted => Volatile.Read(ref _accepted);

        public void Dispose()
        {
            _listener.Stop();
            lock (_held) foreach (var socket in _held) socket.Dispose();
        }
    }

    private int Logins() => _host.Logins();

    private void AssertNoSecretShownOrLeft(HostRun run)
    {
        var keyLines = _host.PrivateKey.Split('\n').Where(line => line.Length > 0 && !line.StartsWith("-----")).ToList();
        var hostKey = _host.KnownHosts.Split(' ')[^1];
        var artifacts = _repository.Combine("artifacts");
        var written = Directory.Exists(artifacts) ? Directory.GetFiles(artifacts, "*", SearchOption.AllDirectories).Select(File.ReadAllText).ToList() : [];
        Assert.Multiple(() =>
        {
            foreach (var line in keyLines) Assert.That(run.Output + run.Error, Does.Not.Contain(line), "no key text in the output");
            Assert.That(run.Output + run.Error, Does.Not.Contain(hostKey), "no known_hosts content in the output");
            foreach (var text in written) Assert.That(text, Does.Not.Contain(keyLines[0]).And.Not.Contain(hostKey), "no key or known_hosts in artifacts/");
            Assert.That(Directory.GetDirectories(_temp.Path, SshTransport.DirectoryPrefix + "*"), Is.Empty, "the run's ssh directory is deleted when it ends");
        });
    }
}
