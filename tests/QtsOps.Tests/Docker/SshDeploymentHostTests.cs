using QtsOps.Build.Deployment;
using QtsOps.Core.Deployment;
using QtsOps.Tests.Core;

namespace QtsOps.Tests.Docker;

/// <summary>
/// The file steps of an ssh:// engine's host (<see cref="SshDeploymentHost"/>) run on a real host over
/// real ssh (<see cref="SshTestHost"/>), in its <see cref="SshTestHost.DeployRoot"/>, which this machine
/// sees at the same path.
/// </summary>
[TestFixture, Category("Docker"), NonParallelizable]
[System.Runtime.Versioning.SupportedOSPlatform("linux"), Platform("Linux")] // ssh hosts are reached from Linux
public class SshDeploymentHostTests
{
    private SshTestHost _host = null!;
    private SshTransport _ssh = null!;
    private TempDirectory _temp = null!;

    [OneTimeSetUp]
    public void StartHost()
    {
        _host = new SshTestHost();
        _ssh = new SshTransport(null, _host.KeyFile, _host.KnownHosts, Environment.GetEnvironmentVariable("PATH"));
        _temp = new TempDirectory();
    }

    [OneTimeTearDown]
    public void StopHost()
    {
        _ssh?.Dispose();
        _host?.Dispose();
        _temp?.Dispose();
    }

    private SshDeploymentHost Host(Func<string> client) => new(client, _host.DockerHost, Path.Combine(_host.DeployRoot, "deploy"), "environments.json");

    private string HostFolder(string name) => Path.Combine(_host.DeployRoot, $"{name}-{Guid.NewGuid():N}");

    [Test]
    public void Backups_over_ssh_of_the_live_data_directory_succeed_while_health_is_flooded()
    {
        // The observer writes its data into the host's folder, as the container does there.
        using var observer = new ObserverProcess(HostFolder("observer")).Start();
        observer.WaitForRecords(2);

        HealthFlood.BackUpWhileFlooded(Host(() => _ssh.Client), observer, HostFolder("backups"), times: 40);
    }

    [Test]
    public void Release_files_copied_in_by_root_on_the_host_belong_to_root_not_to_the_runner_s_user()
    {
        // ssh as root@host: the remote command, ssh's last argument, run by root's shell there.
        var rootClient = _temp.Write("ssh-as-root", $"#!/bin/sh\nfor command; do :; done\nexec docker exec -i -u 0 {_host.Container} sh -c \"$command\"\n");
        File.SetUnixFileMode(rootClient, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var release = _temp.Write("release/docker-compose.yml", "services: {}\n");
        File.SetUnixFileMode(release, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead);
        Command.Run("chown", "-R", "4242:4243", Path.GetDirectoryName(release)!).EnsureSuccess("Giving the release files to the runner's user");
        var target = HostFolder("release");

        Host(() => rootClient).PutDirectory(Path.GetDirectoryName(release)!, target, HostFolder(".release.partial"));

        var owners = Command.Run("docker", "exec", _host.Container, "stat", "-c", "%u:%g %a %n", $"{target}/docker-compose.yml").EnsureSuccess("Reading the owner").Output;
        Assert.That(owners, Is.EqualTo(new[] { $"0:0 640 {target}/docker-compose.yml" }), "root's, with the mode kept");
    }

    [Test]
    public void A_run_killed_after_any_step_of_a_new_edge_configuration_on_the_host_leaves_the_active_link_and_nginx_conf_in_place()
    {
        var edge = HostFolder("edge");
        var host = Host(() => _ssh.Client);
        host.CreateDirectory(edge);

        var broken = EdgeConfigurationChecks.RewriteCheckingEveryStep(host, edge);

        Assert.That(broken, Is.Empty, "steps after which a killed run leaves the edge unable to start");
        Assert.That(File.ReadAllText(Path.Combine(edge, SlotLayout.ActiveLink)), Does.Contain("new-a:8000"));
    }

    [Test]
    public void The_counts_say_each_script_is_a_session_and_the_connections_are_the_logins_sshd_saw()
    {
        using var transport = new SshTransport(null, _host.KeyFile, _host.KnownHosts, Environment.GetEnvironmentVariable("PATH"));
        var host = new SshDeploymentHost(() => transport.Client, _host.DockerHost, Path.Combine(_host.DeployRoot, "deploy"), "environments.json")
            { Counts = new CommandCounts(() => transport.ConnectionsTo(_host.DockerHost)) };
        var loginsBefore = _host.Logins();

        for (var script = 0; script < 5; script++) host.DirectoryExists(_host.DeployRoot);

        Assert.That((host.Counts.HostScripts, host.Counts.SshSessions), Is.EqualTo((5, 5)));
        Assert.That(host.Counts.SshConnections, Is.EqualTo(_host.Logins() - loginsBefore).And.EqualTo(1), "five sessions on the run's one master connection");
    }
}
