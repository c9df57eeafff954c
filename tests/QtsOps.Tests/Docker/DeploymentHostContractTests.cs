using QtsOps.Build.Deployment;
using QtsOps.Core.Deployment;

namespace QtsOps.Tests.Docker;

/// <summary>
/// The host operations a deploy makes (lock, backup, prune) as the step classes call them, the same tests on
/// both hosts: this machine (<see cref="LocalDeploymentHost"/>) and an ssh:// engine's host over real ssh
/// (<see cref="SshDeploymentHost"/> on <see cref="SshTestHost"/>, whose folder this machine sees at the same path).
/// </summary>
[TestFixture(false, TestName = "on this machine"), TestFixture(true, TestName = "on an ssh host")]
[Category("Docker"), NonParallelizable, System.Runtime.Versioning.SupportedOSPlatform("linux"), Platform("Linux")]
public class DeploymentHostContractTests(bool overSsh)
{
    private SshTestHost? _sshHost;
    private SshTransport? _ssh;
    private TempDirectory _temp = null!;
    private IDeploymentHost _host = null!;

    [OneTimeSetUp]
    public void StartHost()
    {
        _temp = new TempDirectory();
        if (overSsh)
        {
            _sshHost = new SshTestHost();
            _ssh = new SshTransport(null, _sshHost.KeyFile, _sshHost.KnownHosts, Environment.GetEnvironmentVariable("PATH"));
            _host = new SshDeploymentHost(() => _ssh.Client, _sshHost.DockerHost, Path.Combine(_sshHost.DeployRoot, "deploy"), "environments.json");
        }
        else
        {
            _host = new LocalDeploymentHost(_temp.Path, _temp.Combine("state"));
        }
    }

    [OneTimeTearDown]
    public void StopHost()
    {
        _ssh?.Dispose();
        _sshHost?.Dispose();
        _temp?.Dispose();
    }

    /// <summary>A new folder name on the host (which this machine sees at the same path); not created.</summary>
    private string Folder(string name) => Path.Combine(_sshHost?.DeployRoot ?? _temp.Path, $"{name}-{Guid.NewGuid():N}");

    private string LockFile() => overSsh ? _host.LockFile($"contract-{Guid.NewGuid():N}") : Path.Combine(Folder("locks"), "contract.lock");

    private static LockOwner Owner(int pid) => new(pid, "a-checkout", "someone", DateTimeOffset.UtcNow, "deploy 1.2.3");

    [Test]
    public void A_held_lock_refuses_the_next_holder_naming_the_first_and_is_free_with_no_owner_once_released()
    {
        var lockFile = LockFile();
        var warnings = new List<string>();

        using (_host.AcquireLock(lockFile, "staging", Owner(4242), warnings.Add))
        {
            var held = _host.InspectLock(lockFile);
            Assert.That((held.Held, held.Owner?.Pid, held.Owner?.Host, held.Owner?.Target), Is.EqualTo((true, 4242, "a-checkout", "deploy 1.2.3")));
            var refused = Assert.Throws<DeploymentLockedException>(() => _host.AcquireLock(lockFile, "staging", Owner(4343), warnings.Add).Dispose());
            Assert.That(refused!.Owner?.Pid, Is.EqualTo(4242));
            Assert.That(refused.Message, Does.StartWith("Another deploy to 'staging' is running: pid 4242 on a-checkout (user someone, deploy 1.2.3, since "));
        }

        Assert.That(_host.InspectLock(lockFile), Is.EqualTo(new LockState(false, null)));
        using (_host.AcquireLock(lockFile, "staging", Owner(4343), warnings.Add))
            Assert.That(_host.InspectLock(lockFile).Owner?.Pid, Is.EqualTo(4343));
        Assert.That(warnings, Is.Empty, "every holder released the lock");
    }

    [Test]
    public void A_lock_that_a_reader_holds_for_a_moment_is_still_taken_once_the_reader_lets_go()
    {
        // status, the dashboard and every state read try the lock for a moment to see whether it is free: a deploy
        // that starts at that moment waits it out instead of being told another deploy runs.
        var lockFile = Path.Combine(Folder("locks"), "read.lock");
        _host.AcquireLock(lockFile, "staging", Owner(4242), _ => { }).Dispose(); // made by the host's user, as a deploy makes it
        var reading = Path.Combine(_temp.Path, $"reading-{Guid.NewGuid():N}");
        using var reader = System.Diagnostics.Process.Start("flock", [lockFile, "-c", $"touch '{reading}'; sleep 1"]);
        while (!File.Exists(reading) && !reader.HasExited) Thread.Sleep(20);
        Assert.That(reader.HasExited, Is.False, "the reader holds the lock");

        var warnings = new List<string>();
        using (_host.AcquireLock(lockFile, "staging", Owner(4343), warnings.Add))
            Assert.That(_host.InspectLock(lockFile).Owner?.Pid, Is.EqualTo(4343));
        reader.WaitForExit();
        Assert.That(warnings, Is.Empty);
    }

    [Test]
    public void A_backup_keeps_files_and_links_leaves_out_special_files_and_the_health_probe_and_is_the_owner_s_only()
    {
        var data = Directory.CreateDirectory(Folder("data")).FullName;
        File.WriteAllText(Path.Combine(data, "observations-2026-01-01.jsonl"), "{\"a\":1}\n{\"a\":2}\n");
        Directory.CreateDirectory(Path.Combine(data, "archive"));
        File.WriteAllText(Path.Combine(data, "archive", "old.jsonl"), "{\"a\":0}\n");
        File.CreateSymbolicLink(Path.Combine(data, "passwd"), "/etc/passwd");
        File.WriteAllText(Path.Combine(data, ".health-probe"), "");
        Command.Run("mkfifo", Path.Combine(data, "pipe")).EnsureSuccess("mkfifo");
        var backups = Folder("backups");

        var result = _host.BackUp(data, backups, "1.2.3", new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero));

        Assert.That(result.Files, Is.EqualTo(2), "the two records files; the link is no file and the probe no data");
        Assert.That(result.Skipped, Is.EqualTo(new[] { "pipe (Fifo: not data)" }));
        Assert.That(result.RemovedPartials, Is.Empty);
        var (sha256, entries) = DataBackup.Verify(result.ArchivePath);
        Assert.That(result.Sha256, Is.EqualTo(sha256));
        Assert.That(entries.Keys.Select(name => name.TrimStart('.', '/')).Where(name => name.Length > 0).Order(),
            Is.EqualTo(new[] { "archive/old.jsonl", "observations-2026-01-01.jsonl", "passwd" }));
        Assert.That(File.GetUnixFileMode(result.ArchivePath), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
        Assert.That(result.Bytes, Is.EqualTo(new FileInfo(result.ArchivePath).Length));
    }

    [Test]
    public void Pruning_removes_all_but_the_newest_backups_with_their_checksums()
    {
        var data = Directory.CreateDirectory(Folder("data")).FullName;
        File.WriteAllText(Path.Combine(data, "observations.jsonl"), "{}\n");
        var backups = Folder("backups");
        var made = Enumerable.Range(1, 3)
            .Select(day => _host.BackUp(data, backups, "1.2.3", new DateTimeOffset(2026, 1, day, 0, 0, 0, TimeSpan.Zero)).ArchivePath).ToList();

        var removed = _host.PruneBackups(backups, 1);

        Assert.That(removed, Is.EquivalentTo(made.Take(2)));
        Assert.That(Directory.GetFiles(backups).Select(Path.GetFileName).Order(),
            Is.EqualTo(new[] { Path.GetFileName(made[2]), Path.GetFileName(made[2]) + ".sha256" }));
    }
}
