using QtsOps.Build.Deployment;

namespace QtsOps.Tests.Docker;

/// <summary>
/// An ssh:// engine reached through the socket the run's master connection forwards to the host's engine socket
/// (<see cref="SshTransport.EngineSocket"/>): docker calls are channels on the run's one connection, with no session
/// (and no <c>docker system dial-stdio</c> process on the host) per call.
/// </summary>
[TestFixture, Category("Docker"), NonParallelizable]
[System.Runtime.Versioning.SupportedOSPlatform("linux"), Platform("Linux")] // ssh hosts are reached from Linux
public class SshEngineSocketTests
{
    private SshTestHost _host = null!;

    [OneTimeSetUp]
    public void StartHost() => _host = new SshTestHost();

    [OneTimeTearDown]
    public void StopHost() => _host?.Dispose();

    [Test]
    public void Docker_calls_through_the_forwarded_socket_reach_the_hosts_engine_on_one_connection_and_the_socket_goes_with_the_run()
    {
        var loginsBefore = _host.Logins();
        var transport = new SshTransport(null, _host.KeyFile, _host.KnownHosts, Environment.GetEnvironmentVariable("PATH"));
        var counts = new CommandCounts(() => transport.ConnectionsTo(_host.DockerHost));
        string socket;
        using (transport)
        {
            socket = transport.EngineSocket(_host.DockerHost, counts)!;

            Assert.That(socket, Is.Not.Null, "the host's engine is a unix socket, which the master forwards");
            Assert.That(Path.GetDirectoryName(socket), Is.EqualTo(transport.Directory), "in the run's private directory");
            Assert.That(Path.GetFileName(socket), Does.StartWith(SshTransport.EngineSocketPrefix));
            Assert.That(transport.EngineSocket(_host.DockerHost, counts), Is.EqualTo(socket), "made once per host and run");
            // The host's engine is this machine's (the test host drives it): the same engine id either way.
            var here = Command.Run("docker", "info", "--format", "{{.ID}}").EnsureSuccess("docker info here").Output[0];
            for (var call = 0; call < 5; call++)
            {
                var there = Command.Run("docker", "-H", $"unix://{socket}", "info", "--format", "{{.ID}}");
                Assert.That(there.ExitCode, Is.Zero, there.Error);
                Assert.That(there.Output[0], Is.EqualTo(here));
            }
            Assert.That(_host.Logins() - loginsBefore, Is.EqualTo(1), "the script that asks for the engine's socket, the forward and every call share one connection");
            Assert.That((counts.HostScripts, counts.SshConnections), Is.EqualTo((1, 1)), "one script asked where the engine listens; one connection, as sshd saw it");
        }

        Assert.That(File.Exists(socket), Is.False, "the run's end removes its directory, the socket with it");
    }

    [Test]
    public void A_connection_made_ahead_logs_in_before_any_call_and_is_the_one_the_first_call_uses()
    {
        var loginsBefore = _host.Logins();
        var transport = new SshTransport(null, _host.KeyFile, _host.KnownHosts, Environment.GetEnvironmentVariable("PATH"));
        var counts = new CommandCounts(() => transport.ConnectionsTo(_host.DockerHost));
        string? directory;
        using (transport)
        {
            transport.ConnectAhead(_host.DockerHost, counts);
            for (var waited = 0; _host.Logins() == loginsBefore && waited < 300; waited++) Thread.Sleep(100);
            Assert.That(_host.Logins() - loginsBefore, Is.EqualTo(1), "logged in in the background, before any call");

            var socket = transport.EngineSocket(_host.DockerHost, counts);
            directory = transport.Directory;

            Assert.That(socket, Is.Not.Null);
            Assert.That(Command.Run("docker", "-H", $"unix://{socket}", "info", "--format", "{{.ID}}").ExitCode, Is.Zero);
            Assert.That((counts.HostScripts, _host.Logins() - loginsBefore), Is.EqualTo((1, 1)), "the call used what was made ahead: no second script or connection");
        }

        Assert.That(Directory.Exists(directory), Is.False, "the run's end closes the connection and removes its directory");
    }

    [Test]
    public void A_run_that_ends_while_its_connection_is_made_ahead_waits_for_it_and_leaves_no_connection_behind()
    {
        var transport = new SshTransport(null, _host.KeyFile, _host.KnownHosts, Environment.GetEnvironmentVariable("PATH"));
        transport.ConnectAhead(_host.DockerHost, new CommandCounts());
        for (var waited = 0; transport.Directory is null && waited < 300; waited++) Thread.Sleep(10);
        var directory = transport.Directory!;

        transport.Dispose();

        Assert.That(Directory.Exists(directory), Is.False);
        var masters = Directory.EnumerateDirectories("/proc").Select(process => Path.Combine(process, "cmdline"))
            .Where(cmdline => { try { return File.ReadAllText(cmdline).Contains(directory, StringComparison.Ordinal); } catch (IOException) { return false; } catch (UnauthorizedAccessException) { return false; } })
            .ToList();
        Assert.That(masters, Is.Empty, "no ssh master of the run's connection is left running");
    }

    [Test]
    public void Without_a_pinned_host_key_there_is_no_socket_and_calls_go_to_ssh_as_given()
    {
        var transport = new SshTransport(null, _host.KeyFile, $"[127.0.0.1]:{_host.Port} ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl", Environment.GetEnvironmentVariable("PATH"));
        using (transport)
            Assert.That(transport.EngineSocket(_host.DockerHost, new CommandCounts()), Is.Null,
                "ssh refuses the host: the docker call then goes to ssh:// and says so with the host-key error");
    }
}
