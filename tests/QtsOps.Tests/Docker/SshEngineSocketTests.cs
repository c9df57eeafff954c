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
    public void Without_a_pinned_host_key_there_is_no_socket_and_calls_go_to_ssh_as_given()
    {
        var transport = new SshTransport(null, _host.KeyFile, $"[127.0.0.1]:{_host.Port} ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl", Environment.GetEnvironmentVariable("PATH"));
        using (transport)
            Assert.That(transport.EngineSocket(_host.DockerHost, new CommandCounts()), Is.Null,
                "ssh refuses the host: the docker call then goes to ssh:// and says so with the host-key error");
    }
}
