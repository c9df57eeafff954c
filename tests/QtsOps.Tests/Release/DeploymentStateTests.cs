using System.Diagnostics;
using System.Formats.Tar;
using QtsOps.Release.Deployment;

namespace QtsOps.Tests.Release;

[Category("Core")]
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

    [TestCase("{}")]
    [TestCase("{\"Pid\": \"222\"}")]
    [TestCase("{\"Pid\": 222, \"Host\": null, \"User\": \"u\", \"Since\": \"2026-01-01T00:00:00Z\", \"Target\": \"deploy\"}")]
    public void A_damaged_owner_file_names_nobody(string text)
    {
        using var state = new TempDirectory();
        var file = state.Combine("local.lock");
        File.WriteAllText(DeploymentLock.OwnerFileOf(file), text);

        Assert.That(DeploymentLock.ReadOwner(file), Is.Null);
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

[Category("Core")]
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

[Category("Core")]
[System.Runtime.Versioning.SupportedOSPlatform("linux"), Platform("Linux")] // links, FIFOs and file modes as a Linux host has them
public class DataBackupOfUntrustedDataTests
{
    private static readonly UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>What a container may leave in its data directory: links to host files and folders, a broken link, a FIFO.</summary>
    private static string UntrustedData(TempDirectory dir)
    {
        var secret = dir.Write("host/secret.key", "HOST-SECRET\n");
        File.SetUnixFileMode(secret, OwnerOnly);
        dir.Write("host/folder/inside.txt", "HOST-FOLDER\n");
        var data = dir.Combine("data");
        dir.Write("data/observations-20260101.jsonl", "{\"seq\":1}\n");
        dir.Write("data/nested/other.jsonl", "{}\n");
        File.CreateSymbolicLink(Path.Combine(data, "link-to-secret"), secret);
        File.CreateSymbolicLink(Path.Combine(data, "nested", "link-to-folder"), dir.Combine("host", "folder"));
        File.CreateSymbolicLink(Path.Combine(data, "broken"), "/nonexistent/target");
        using var mkfifo = System.Diagnostics.Process.Start("mkfifo", Path.Combine(data, "pipe"))!;
        mkfifo.WaitForExit();
        Assert.That(mkfifo.ExitCode, Is.Zero);
        return data;
    }

    private static BackupResult CreateWithin10Seconds(string data, string backups)
    {
        var backup = Task.Run(() => DataBackup.Create(data, backups, "x", DateTimeOffset.UtcNow));
        Assert.That(backup.Wait(TimeSpan.FromSeconds(10)), Is.True, "the backup hangs");
        return backup.Result;
    }

    private static List<(TarEntryType Type, string Name, string Link, string Content)> Entries(string archive)
    {
        using var tar = new TarReader(new System.IO.Compression.GZipStream(File.OpenRead(archive), System.IO.Compression.CompressionMode.Decompress));
        var entries = new List<(TarEntryType, string, string, string)>();
        while (tar.GetNextEntry() is { } entry)
            entries.Add((entry.EntryType, entry.Name, entry.LinkName, entry.DataStream is null ? "" : new StreamReader(entry.DataStream).ReadToEnd()));
        return entries;
    }

    [Test]
    public void Links_are_stored_as_links_special_files_are_skipped_and_the_archive_is_the_owners_only()
    {
        using var dir = new TempDirectory();
        var data = UntrustedData(dir);

        var backup = CreateWithin10Seconds(data, dir.Combine("backups"));

        var entries = Entries(backup.ArchivePath);
        Assert.That(entries.Where(e => e.Type == TarEntryType.SymbolicLink).Select(e => (e.Name, e.Link)), Is.EquivalentTo(new[]
        {
            ("link-to-secret", dir.Combine("host", "secret.key")), ("nested/link-to-folder", dir.Combine("host", "folder")), ("broken", "/nonexistent/target"),
        }));
        Assert.That(entries.Where(e => e.Type == TarEntryType.RegularFile).Select(e => e.Name), Is.EquivalentTo(new[] { "observations-20260101.jsonl", "nested/other.jsonl" }));
        Assert.That(entries.Select(e => e.Content), Has.None.Contain("HOST-"), "a linked file's or folder's contents were copied");
        Assert.That(backup.Files, Is.EqualTo(2));
        Assert.That(backup.Skipped, Is.EqualTo(new[] { "pipe (Fifo: not data)" }));
        Assert.That(File.GetUnixFileMode(backup.ArchivePath), Is.EqualTo(OwnerOnly));
        Assert.That(File.GetUnixFileMode(backup.ArchivePath + ".sha256"), Is.EqualTo(OwnerOnly));
    }

    [Test]
    public void A_partial_archive_a_killed_run_left_is_removed_by_the_next_backup()
    {
        using var dir = new TempDirectory();
        dir.Write("data/a.jsonl", "{}\n");
        var partial = dir.Write("backups/data-20260101T000000.000Z-before-1.0.0.tar.gz.partial", "half an archive");

        var backup = DataBackup.Create(dir.Combine("data"), dir.Combine("backups"), "before-1.0.1", DateTimeOffset.UtcNow);

        Assert.That(File.Exists(partial), Is.False);
        Assert.That(backup.RemovedPartials, Is.EqualTo(new[] { partial }));
    }

    [Test]
    public void A_backup_unpacks_into_a_new_directory_with_its_links_as_links()
    {
        using var dir = new TempDirectory();
        var backup = CreateWithin10Seconds(UntrustedData(dir), dir.Combine("backups"));
        var restored = dir.Combine("restored");

        var (sha256, files) = DataBackup.Extract(backup.ArchivePath, restored);

        Assert.That((sha256, files), Is.EqualTo((backup.Sha256, 2)));
        Assert.That(File.ReadAllText(Path.Combine(restored, "observations-20260101.jsonl")), Is.EqualTo("{\"seq\":1}\n"));
        Assert.That(new FileInfo(Path.Combine(restored, "link-to-secret")).LinkTarget, Is.EqualTo(dir.Combine("host", "secret.key")));
        Assert.That(new FileInfo(Path.Combine(restored, "nested", "link-to-folder")).LinkTarget, Is.EqualTo(dir.Combine("host", "folder")));
        Assert.That(Path.Exists(Path.Combine(restored, "pipe")), Is.False);
        Assert.Throws<IOException>(() => DataBackup.Extract(backup.ArchivePath, restored), "only into a new directory");
    }

    [TestCase("../escaped.txt")]
    [TestCase("link/escaped.txt")]
    public void An_archive_entry_that_would_be_written_outside_or_through_a_link_is_refused(string name)
    {
        using var dir = new TempDirectory();
        var outside = dir.Combine("outside");
        Directory.CreateDirectory(outside);
        var archive = dir.Combine("backups", "data-20260101T000000.000Z-x.tar.gz");
        Directory.CreateDirectory(dir.Combine("backups"));
        using (var file = File.Create(archive))
        using (var gzip = new System.IO.Compression.GZipStream(file, System.IO.Compression.CompressionLevel.Fastest))
        using (var tar = new TarWriter(gzip, TarEntryFormat.Pax))
        {
            tar.WriteEntry(new PaxTarEntry(TarEntryType.SymbolicLink, "link") { LinkName = outside });
            tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream("x"u8.ToArray()) });
        }
        using (var stream = File.OpenRead(archive))
            File.WriteAllText(archive + ".sha256", Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(stream)) + "  x\n");

        var error = Assert.Throws<InvalidDataException>(() => DataBackup.Extract(archive, dir.Combine("restored", "data")))!;

        Assert.That(error.Message, Does.Contain(archive).And.Contain(name).And.Contain("Fix: pick another backup"));
        Assert.That(Directory.GetFiles(outside), Is.Empty);
        Assert.That(File.Exists(dir.Combine("restored", "escaped.txt")), Is.False);
    }
}

[Category("Core")]
public class DataRestoreTests
{
    private static string Backup(TempDirectory dir, string content, int day)
    {
        dir.Write("source/a.jsonl", content);
        return DataBackup.Create(dir.Combine("source"), dir.Combine("backups"), "x", new DateTimeOffset(2026, 1, day, 0, 0, 0, TimeSpan.Zero)).ArchivePath;
    }

    [Test]
    public void The_newest_backup_is_chosen_unless_one_is_named_and_an_unknown_name_lists_those_there_are()
    {
        using var dir = new TempDirectory();
        var older = Backup(dir, "{\"old\":1}\n", 1);
        var newer = Backup(dir, "{\"new\":1}\n", 2);

        Assert.That(DataRestore.Choose(dir.Combine("backups"), null), Is.EqualTo(newer));
        Assert.That(DataRestore.Choose(dir.Combine("backups"), Path.GetFileName(older)), Is.EqualTo(older));
        Assert.That(Assert.Throws<FileNotFoundException>(() => DataRestore.Choose(dir.Combine("backups"), "../../etc/passwd"))!.Message,
            Does.Contain("There is no backup ../../etc/passwd").And.Contain(Path.GetFileName(older)).And.Contain(Path.GetFileName(newer)));
        Assert.That(Assert.Throws<FileNotFoundException>(() => DataRestore.Choose(dir.Combine("empty"), null))!.Message, Does.Contain("There is no backup in"));
    }

    [Test]
    public void A_restore_moves_the_data_aside_never_deleting_it_and_puts_the_backup_in_its_place()
    {
        using var dir = new TempDirectory();
        var archive = Backup(dir, "{\"backed-up\":1}\n", 1);
        dir.Write("data/a.jsonl", "{\"current\":1}\n");
        dir.Write("data/newer.jsonl", "{\"current\":2}\n");
        var now = DateTimeOffset.Parse("2026-02-03T04:05:06Z");

        var (unpacked, _, files) = DataRestore.Unpack(archive, dir.Combine("data"), now);
        var aside = DataRestore.Switch(dir.Combine("data"), unpacked, now);

        Assert.That(files, Is.EqualTo(1));
        Assert.That(aside, Is.EqualTo(dir.Combine("data.before-restore-20260203T040506.000Z")));
        Assert.That(File.ReadAllText(dir.Combine("data", "a.jsonl")), Is.EqualTo("{\"backed-up\":1}\n"));
        Assert.That(File.Exists(dir.Combine("data", "newer.jsonl")), Is.False);
        Assert.That(File.ReadAllText(Path.Combine(aside!, "newer.jsonl")), Is.EqualTo("{\"current\":2}\n"));
        Assert.That(Directory.Exists(unpacked), Is.False);
    }

    [Test]
    public void A_damaged_backup_is_refused_before_anything_is_unpacked()
    {
        using var dir = new TempDirectory();
        var archive = Backup(dir, "{}\n", 1);
        using (var stream = File.OpenWrite(archive)) stream.WriteByte(0);

        Assert.That(Assert.Throws<InvalidDataException>(() => DataRestore.Unpack(archive, dir.Combine("data"), DateTimeOffset.UtcNow))!.Message, Does.Contain("is damaged"));
        Assert.That(Directory.GetDirectories(dir.Path), Is.EquivalentTo(new[] { dir.Combine("source"), dir.Combine("backups") }));
    }
}

[Category("Core")]
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

    [Test]
    public void Only_a_name_in_releases_is_an_installed_release_never_a_path()
    {
        using var dir = new TempDirectory();
        dir.Write("package/f", "x");
        var store = new ReleaseStore(dir.Combine("deploy"));
        store.Install(dir.Combine("package"), "1.0.0");
        Directory.SetLastWriteTimeUtc(store.PathOf("1.0.0"), new DateTime(2026, 1, 1));
        store.Install(dir.Combine("package"), "1.1.0");
        dir.Write("deploy/data/records.jsonl", "{}\n");
        dir.Write("deploy/releases/.1.2.0.partial/f", "half a copy");

        Assert.That(store.Installed, Is.EqualTo(new[] { "1.1.0", "1.0.0" }), "newest install first, a partial copy is no release");
        Assert.That(store.IsInstalled("1.0.0"), Is.True);
        foreach (var path in new[] { "../data", dir.Combine("deploy/data"), dir.Combine("package"), "1.0.0/..", ".", "..", ".1.2.0.partial", "" })
            Assert.That(store.IsInstalled(path), Is.False, path);
        Assert.That(store.NotInstalled("../data"), Is.EqualTo($"'../data' is not a release installed under {store.ReleasesDirectory} (installed, newest first: 1.1.0, 1.0.0)"));
        Assert.That(() => store.Activate("../data"), Throws.TypeOf<DirectoryNotFoundException>());
        Assert.That(store.Current, Is.Null, "nothing was activated");
    }
}
