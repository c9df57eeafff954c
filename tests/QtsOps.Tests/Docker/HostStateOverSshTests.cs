using System.Text.Json;
using QtsOps.Build.Deployment;
using QtsOps.Release.Deployment;

namespace QtsOps.Tests.Docker;

/// <summary>
/// The state a deploy step reads of an ssh:// host (<see cref="HostState"/>) comes in one script over
/// real ssh (<see cref="SshTestHost"/>), and says what this machine's read of the same folder says.
/// </summary>
[TestFixture, Category("Docker"), NonParallelizable]
[System.Runtime.Versioning.SupportedOSPlatform("linux"), Platform("Linux")] // ssh hosts are reached from Linux
public class HostStateOverSshTests
{
    private SshTestHost _host = null!;
    private SshTransport _ssh = null!;

    [OneTimeSetUp]
    public void StartHost()
    {
        _host = new SshTestHost();
        _ssh = new SshTransport(null, _host.KeyFile, _host.KnownHosts, Environment.GetEnvironmentVariable("PATH"));
    }

    [OneTimeTearDown]
    public void StopHost()
    {
        _ssh?.Dispose();
        _host?.Dispose();
    }

    [Test]
    public void One_script_reads_releases_current_the_active_slot_history_and_the_lock_holder_as_this_machine_reads_them()
    {
        // The host sees DeployRoot at the same path: the deployment is laid out from here, read from there.
        var deploy = Path.Combine(_host.DeployRoot, $"state-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Path.Combine(deploy, "releases", "1.0.0"));
        Directory.CreateDirectory(Path.Combine(deploy, "releases", "1.0.1"));
        Directory.CreateDirectory(Path.Combine(deploy, "releases", ".1.0.2.partial"));
        Directory.SetLastWriteTimeUtc(Path.Combine(deploy, "releases", "1.0.0"), DateTime.UtcNow.AddHours(-1));
        Directory.CreateDirectory(Path.Combine(deploy, "edge"));
        File.CreateSymbolicLink(Path.Combine(deploy, "current"), "releases/1.0.1");
        File.CreateSymbolicLink(Path.Combine(deploy, "edge", SlotLayout.ActiveLink), SlotLayout.SlotConfig(Slot.B));
        Directory.CreateDirectory(Path.Combine(deploy, ".qtsops", "history"));
        File.WriteAllText(Path.Combine(deploy, ".qtsops", "history", "local.jsonl"), "{\"first\":1}\n\n{\"torn\":");
        var lockFile = Path.Combine(deploy, ".qtsops", "locks", "qts.lock");
        Directory.CreateDirectory(Path.GetDirectoryName(lockFile)!);
        File.WriteAllText(lockFile, "");
        var owner = new LockOwner(4242, "ci", "deploy", DateTimeOffset.Parse("2026-01-01T10:00:00Z"), "deploy 1.0.1 from /src", null);
        File.WriteAllText(DeploymentLock.OwnerFileOf(lockFile), JsonSerializer.Serialize(owner));
        foreach (var entry in Directory.GetFileSystemEntries(deploy, "*", SearchOption.AllDirectories).Append(deploy))
            if (!entry.EndsWith(SlotLayout.ActiveLink) && !entry.EndsWith("current")) File.SetUnixFileMode(entry, File.GetUnixFileMode(entry) | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        var paths = new HostStatePaths(Path.Combine(deploy, "releases"), Path.Combine(deploy, "current"), Path.Combine(deploy, "edge", SlotLayout.ActiveLink),
            Path.Combine(deploy, ".qtsops", "history", "local.jsonl"), lockFile, Path.Combine(deploy, "not-yet"));
        var counts = new CommandCounts();
        var host = new SshDeploymentHost(() => _ssh.Client, _host.DockerHost, deploy, "environments.json", counts: counts);

        var remote = host.ReadState(paths);
        var local = HostState.Read(LocalFileSystem.Instance, paths, DeploymentLock.Inspect, _ => remote.AvailableBytes);

        Assert.That((counts.HostScripts, counts.SshConnections), Is.EqualTo((1, 1)), "one script, one connection");
        Assert.That(remote.Installed, Is.EqualTo(new[] { "1.0.1", "1.0.0" }).And.EqualTo(local.Installed));
        Assert.That((remote.Current, remote.ActiveSlot, remote.HistoryText), Is.EqualTo(("1.0.1", (Slot?)Slot.B, local.HistoryText)));
        Assert.That(remote.Lock, Is.EqualTo(new LockState(false, owner)).And.EqualTo(local.Lock), "a free lock whose holder ended without releasing it");
        Assert.That(remote.AvailableBytes, Is.GreaterThan(0), "the free space of the nearest existing folder");
    }
}
