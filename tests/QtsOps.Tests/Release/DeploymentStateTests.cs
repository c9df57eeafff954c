using System.Diagnostics;
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
        using var first = DeploymentLock.Acquire(file, "local", Owner(111), _ => { });

        var error = Assert.Throws<DeploymentLockedException>(() => DeploymentLock.Acquire(file, "local", Owner(222), _ => { }))!;

        Assert.That(error.Message, Does.Contain("Another deploy to 'local' is running: pid 111 on host-a (user dev, deploy 1.0.0").And.Contain(file));
    }

    [Test]
    public void Releasing_frees_the_lock_and_removes_the_owner()
    {
        using var state = new TempDirectory();
        var file = state.Combine("local.lock");
        var warnings = new List<string>();

        DeploymentLock.Acquire(file, "local", Owner(111), warnings.Add).Dispose();
        using var next = DeploymentLock.Acquire(file, "local", Owner(222), warnings.Add);

        Assert.That(warnings, Is.Empty);
        Assert.That(DeploymentLock.ReadOwner(file)!.Pid, Is.EqualTo(222));
    }

    [Test]
    public void The_lock_of_a_killed_process_is_free_at_once_and_taken_over_with_a_warning()
    {
        using var state = new TempDirectory();
        var file = state.Combine("local.lock");
        // Another process holds the lock as the pipeline takes it (flock), as a deploy would, with its owner file.
        using var holder = Process.Start(new ProcessStartInfo("python3",
            ["-c", "import fcntl, sys, time; f = open(sys.argv[1], 'a'); fcntl.flock(f, fcntl.LOCK_EX); print('locked', flush=True); time.sleep(600)", file])
            { RedirectStandardOutput = true })!;
        Assert.That(holder.StandardOutput.ReadLine(), Is.EqualTo("locked"));
        File.WriteAllText(DeploymentLock.OwnerFileOf(file), System.Text.Json.JsonSerializer.Serialize(Owner(holder.Id)));
        Assert.That(Assert.Throws<DeploymentLockedException>(() => DeploymentLock.Acquire(file, "local", Owner(222), _ => { }))!.Message, Does.Contain($"pid {holder.Id}"));

        holder.Kill();
        holder.WaitForExit();
        var warnings = new List<string>();
        using var next = DeploymentLock.Acquire(file, "local", Owner(222), warnings.Add);

        Assert.That(warnings.Single(), Does.Contain($"pid {holder.Id}").And.Contain("ended without releasing"));
        Assert.That(DeploymentLock.ReadOwner(file)!.Pid, Is.EqualTo(222));
    }

    [Test]
    public void An_owner_file_naming_a_live_process_does_not_hold_the_lock()
    {
        using var state = new TempDirectory();
        var file = state.Combine("local.lock");
        // A reused process id looks alive: only the operating system lock counts.
        File.WriteAllText(DeploymentLock.OwnerFileOf(file), System.Text.Json.JsonSerializer.Serialize(Owner(Environment.ProcessId)));
        var warnings = new List<string>();

        using var taken = DeploymentLock.Acquire(file, "local", Owner(222), warnings.Add);

        Assert.That(warnings.Single(), Does.Contain($"pid {Environment.ProcessId}"));
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

        Assert.That(Path.GetFileName(backup.ArchivePath), Is.EqualTo("data-20260102T030405.000Z-before-1.0.0.tar.gz"));
        Assert.That(File.ReadAllText(backup.ArchivePath + ".sha256"), Does.StartWith(backup.Sha256));
        Assert.That(backup.Files, Is.EqualTo(2));
        var extracted = dir.Combine("restore");
        Directory.CreateDirectory(extracted);
        TarFile.ExtractToDirectory(new System.IO.Compression.GZipStream(File.OpenRead(backup.ArchivePath), System.IO.Compression.CompressionMode.Decompress), extracted, false);
        Assert.That(File.ReadAllText(Path.Combine(extracted, "observations-20260101.jsonl")), Is.EqualTo("{\"seq\":1}\n{\"seq\":2}\n"));
    }

    [Test]
    public void Backups_made_in_the_same_instant_get_names_of_their_own()
    {
        using var dir = new TempDirectory();
        dir.Write("data/a.jsonl", "{\"seq\":1}\n");
        var now = DateTimeOffset.Parse("2026-01-02T03:04:05.120Z");

        var first = DataBackup.Create(dir.Combine("data"), dir.Combine("backups"), "before-1.0.0", now);
        dir.Write("data/a.jsonl", "{\"seq\":1}\n{\"seq\":2}\n");
        var second = DataBackup.Create(dir.Combine("data"), dir.Combine("backups"), "before-1.0.0", now);

        Assert.That(Path.GetFileName(first.ArchivePath), Is.EqualTo("data-20260102T030405.120Z-before-1.0.0.tar.gz"));
        Assert.That(Path.GetFileName(second.ArchivePath), Is.EqualTo("data-20260102T030405.121Z-before-1.0.0.tar.gz"));
        Assert.That(DataBackup.Verify(first.ArchivePath).Entries["a.jsonl"], Is.EqualTo(10), "the first backup is intact");
        Assert.That(DataBackup.Verify(second.ArchivePath).Entries["a.jsonl"], Is.EqualTo(20));
        Assert.That(DataBackup.Prune(dir.Combine("backups"), keep: 1).Single(), Is.EqualTo(first.ArchivePath), "pruning removes the older one");
    }

    [Test]
    public void A_data_file_larger_than_2_GB_is_streamed_into_the_backup()
    {
        using var dir = new TempDirectory();
        var data = dir.Combine("data");
        Directory.CreateDirectory(data);
        const long size = (2L << 30) + 4096; // over int.MaxValue: no byte array holds it
        using (var file = File.Create(Path.Combine(data, "big.jsonl")))
        {
            file.SetLength(size - 20); // sparse: no disk used for the zeros
            file.Seek(0, SeekOrigin.End);
            file.Write("{\"last\":1}\n{\"half\""u8);
        }

        var backup = DataBackup.Create(data, dir.Combine("backups"), "x", DateTimeOffset.UtcNow);

        Assert.That(DataBackup.Verify(backup.ArchivePath).Entries["big.jsonl"], Is.EqualTo(size - 20 + 11), "up to the last complete line");
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

        Assert.That(removed.Select(Path.GetFileName), Is.EquivalentTo(new[] { "data-20260101T000000.000Z-x.tar.gz", "data-20260102T000000.000Z-x.tar.gz" }));
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
