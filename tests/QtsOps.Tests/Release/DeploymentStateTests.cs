using System.Formats.Tar;
using QtsOps.Release.Deployment;

namespace QtsOps.Tests.Release;

public class DeploymentLockTests
{
    private static LockOwner Owner(int pid) => new(pid, "host-a", "dev", DateTimeOffset.UtcNow, "deploy 1.0.0");

    [Test]
    public void A_second_holder_is_refused_with_the_first_ones_details()
    {
        using var state = new TempDirectory();
        var file = state.Combine("locks", "local.lock");
        using var first = DeploymentLock.Acquire(file, "local", Owner(111), _ => true, _ => { });

        var error = Assert.Throws<DeploymentLockedException>(() => DeploymentLock.Acquire(file, "local", Owner(222), _ => true, _ => { }))!;

        Assert.That(error.Message, Does.Contain("Another deploy to 'local' is running: pid 111 on host-a (user dev, deploy 1.0.0").And.Contain(file));
    }

    [Test]
    public void A_lock_of_a_dead_process_is_taken_over_with_a_warning()
    {
        using var state = new TempDirectory();
        var file = state.Combine("local.lock");
        DeploymentLock.Acquire(file, "local", Owner(111), _ => true, _ => { }); // never released: its process "died"
        var warnings = new List<string>();

        using var second = DeploymentLock.Acquire(file, "local", Owner(222), pid => pid != 111, warnings.Add);

        Assert.That(DeploymentLock.ReadOwner(file)!.Pid, Is.EqualTo(222));
        Assert.That(warnings.Single(), Does.Contain("stale").And.Contain("pid 111"));
    }

    [Test]
    public void Releasing_removes_the_file()
    {
        using var state = new TempDirectory();
        var file = state.Combine("local.lock");

        DeploymentLock.Acquire(file, "local", Owner(111), _ => true, _ => { }).Dispose();

        Assert.That(File.Exists(file), Is.False);
    }
}

public class DataBackupTests
{
    [Test]
    public void A_backup_holds_every_file_up_to_its_last_complete_record_and_checks_itself()
    {
        using var dir = new TempDirectory();
        dir.Write("data/observations-20260101.jsonl", "{\"seq\":1}\n{\"seq\":2}\n{\"seq\":3, \"half");
        dir.Write("data/nested/other.jsonl", "{}\n");

        var backup = DataBackup.Create(dir.Combine("data"), dir.Combine("backups"), "before-1.0.0", DateTimeOffset.Parse("2026-01-02T03:04:05Z"));

        Assert.That(Path.GetFileName(backup.ArchivePath), Is.EqualTo("data-20260102T030405Z-before-1.0.0.tar.gz"));
        Assert.That(File.ReadAllText(backup.ArchivePath + ".sha256"), Does.StartWith(backup.Sha256));
        Assert.That(backup.Files, Is.EqualTo(2));
        var extracted = dir.Combine("restore");
        Directory.CreateDirectory(extracted);
        TarFile.ExtractToDirectory(new System.IO.Compression.GZipStream(File.OpenRead(backup.ArchivePath), System.IO.Compression.CompressionMode.Decompress), extracted, false);
        Assert.That(File.ReadAllText(Path.Combine(extracted, "observations-20260101.jsonl")), Is.EqualTo("{\"seq\":1}\n{\"seq\":2}\n"));
    }

    [Test]
    public void A_damaged_backup_is_detected()
    {
        using var dir = new TempDirectory();
        dir.Write("data/a.jsonl", "{}\n");
        var backup = DataBackup.Create(dir.Combine("data"), dir.Combine("backups"), "x", DateTimeOffset.UtcNow);
        using (var stream = File.OpenWrite(backup.ArchivePath)) stream.WriteByte(0);

        Assert.That(Assert.Throws<InvalidDataException>(() => DataBackup.Verify(backup.ArchivePath))!.Message, Does.Contain("is damaged"));
    }

    [Test]
    public void Pruning_keeps_the_newest_backups()
    {
        using var dir = new TempDirectory();
        dir.Write("data/a.jsonl", "{}\n");
        for (var day = 1; day <= 4; day++) DataBackup.Create(dir.Combine("data"), dir.Combine("backups"), "x", new DateTimeOffset(2026, 1, day, 0, 0, 0, TimeSpan.Zero));

        var removed = DataBackup.Prune(dir.Combine("backups"), keep: 2);

        Assert.That(removed.Select(Path.GetFileName), Is.EquivalentTo(new[] { "data-20260101T000000Z-x.tar.gz", "data-20260102T000000Z-x.tar.gz" }));
        Assert.That(Directory.GetFiles(dir.Combine("backups")), Has.Length.EqualTo(4)); // two archives with their .sha256
    }
}

public class ReleaseStoreTests
{
    [Test]
    public void Installing_and_activating_switch_current_and_leave_shared_folders_alone()
    {
        using var dir = new TempDirectory();
        dir.Write("package/docker-compose.yml", "v1");
        var store = new ReleaseStore(dir.Combine("deploy"));
        dir.Write("deploy/data/records.jsonl", "{}\n");

        store.Install(dir.Combine("package"), "1.0.0");
        store.Activate("1.0.0");
        dir.Write("package/docker-compose.yml", "v2");
        store.Install(dir.Combine("package"), "1.0.1");
        store.Activate("1.0.1");

        Assert.That(store.Current, Is.EqualTo("1.0.1"));
        Assert.That(File.ReadAllText(Path.Combine(dir.Combine("deploy/current"), "docker-compose.yml")), Is.EqualTo("v2"));
        Assert.That(File.ReadAllText(Path.Combine(store.PathOf("1.0.0"), "docker-compose.yml")), Is.EqualTo("v1"));
        Assert.That(File.Exists(dir.Combine("deploy/data/records.jsonl")), Is.True);
    }

    [Test]
    public void Pruning_keeps_the_current_release_and_the_ones_asked_for()
    {
        using var dir = new TempDirectory();
        dir.Write("package/f", "x");
        var store = new ReleaseStore(dir.Combine("deploy"));
        foreach (var release in new[] { "1", "2", "3", "4" })
        {
            store.Install(dir.Combine("package"), release);
            Directory.SetLastWriteTimeUtc(store.PathOf(release), new DateTime(2026, 1, int.Parse(release)));
        }
        store.Activate("1");

        var removed = store.Prune(keep: 1, alsoKeep: ["2"]);

        Assert.That(removed, Is.EqualTo(new[] { "3" }));
        Assert.That(Directory.GetDirectories(store.ReleasesDirectory).Select(Path.GetFileName), Is.EquivalentTo(new[] { "1", "2", "4" }));
    }
}
