using System.Diagnostics;
using System.Formats.Tar;
using QtsOps.Core.Deployment;

namespace QtsOps.Tests.Core;

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

    [Test]
    public void A_lock_held_by_a_ci_run_names_the_run_and_one_held_from_a_shell_names_none()
    {
        using var state = new TempDirectory();
        var file = state.Combine("local.lock");
        var since = DateTimeOffset.Parse("2026-01-02T03:04:05Z");
        using (DeploymentLock.Acquire(file, "local", new LockOwner(111, "runner-1", "ci", since, "deploy 1.0.0", "https://github.com/o/r/actions/runs/42"), _ => { }))
        {
            var error = Assert.Throws<DeploymentLockedException>(() => DeploymentLock.Acquire(file, "local", Owner(222), _ => { }))!;

            Assert.That(error.Message, Is.EqualTo("Another deploy to 'local' is running: pid 111 on runner-1 (user ci, deploy 1.0.0, since 2026-01-02 03:04:05Z, https://github.com/o/r/actions/runs/42). " +
                $"Wait for it to finish; the lock on {file} ends with that process."));
        }
        Assert.That(new LockOwner(111, "host-a", "dev", since, "rollback").ToString(), Is.EqualTo("pid 111 on host-a (user dev, rollback, since 2026-01-02 03:04:05Z)"));
    }

    [Test]
    public void A_lock_taken_by_a_process_that_has_not_written_its_name_yet_is_refused_saying_so()
    {
        using var state = new TempDirectory();
        var file = state.Combine("local.lock");
        // The holder has the lock, but its owner file is not written yet.
        using var holder = new FileStream(file, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);

        var error = Assert.Throws<DeploymentLockedException>(() => DeploymentLock.Acquire(file, "local", Owner(222), _ => { }))!;

        Assert.That(error.Message, Is.EqualTo($"Another deploy to 'local' is running: a process that has not written its name yet. Wait for it to finish; the lock on {file} ends with that process."));
        Assert.That(error.Owner, Is.Null);
        Assert.That(File.Exists(DeploymentLock.OwnerFileOf(file)), Is.False, "the refused one wrote no owner file");
    }

    [Test]
    public void Taking_the_lock_empties_what_an_older_lock_file_held_and_writes_the_owner_beside_it()
    {
        using var state = new TempDirectory();
        var file = state.Write("local.lock", "pid 111 (an old lock file's text)\n");

        using var held = DeploymentLock.Acquire(file, "local", Owner(222), _ => { });

        Assert.That(new FileInfo(file).Length, Is.Zero);
        Assert.That(DeploymentLock.ReadOwner(file), Is.EqualTo(held.Owner));
        Assert.That(Directory.GetFiles(state.Path).Select(Path.GetFileName), Is.EquivalentTo(new[] { "local.lock", "local.lock.owner" }), "no .next file is left");
    }

    [Test]
    public void Inspecting_tells_a_held_lock_from_a_free_one_without_taking_it()
    {
        using var state = new TempDirectory();
        var file = state.Combine("local.lock");
        Assert.That(DeploymentLock.Inspect(file), Is.EqualTo(new LockState(false, null)), "no lock file: never locked");

        var owner = Owner(111);
        var held = DeploymentLock.Acquire(file, "local", owner, _ => { });
        Assert.That(DeploymentLock.Inspect(file), Is.EqualTo(new LockState(true, owner)));
        Assert.That(DeploymentLock.Inspect(file), Is.EqualTo(new LockState(true, owner)), "inspecting did not take it");

        held.Dispose();
        Assert.That(DeploymentLock.Inspect(file), Is.EqualTo(new LockState(false, null)), "released");

        File.WriteAllText(DeploymentLock.OwnerFileOf(file), System.Text.Json.JsonSerializer.Serialize(owner));
        Assert.That(DeploymentLock.Inspect(file), Is.EqualTo(new LockState(false, owner)), "free, with the owner file of a holder that ended without releasing");
        using var next = DeploymentLock.Acquire(file, "local", Owner(222), _ => { });
    }

    [Test]
    public void Releasing_twice_leaves_the_next_holder_s_owner_file_alone()
    {
        using var state = new TempDirectory();
        var file = state.Combine("local.lock");
        var first = DeploymentLock.Acquire(file, "local", Owner(111), _ => { });
        first.Dispose();
        using var second = DeploymentLock.Acquire(file, "local", Owner(222), _ => { });

        first.Dispose();

        Assert.That(DeploymentLock.ReadOwner(file)!.Pid, Is.EqualTo(222));
        Assert.Throws<DeploymentLockedException>(() => DeploymentLock.Acquire(file, "local", Owner(333), _ => { }));
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

    [Test]
    public void A_backup_without_its_checksum_file_is_refused_naming_the_file_it_lacks()
    {
        using var dir = new TempDirectory();
        dir.Write("data/a.jsonl", "{}\n");
        var backup = DataBackup.Create(dir.Combine("data"), dir.Combine("backups"), "x", DateTimeOffset.Parse("2026-01-02T03:04:05Z"));
        File.Delete(backup.ArchivePath + ".sha256");

        Assert.That(Assert.Throws<InvalidDataException>(() => DataBackup.Verify(backup.ArchivePath))!.Message,
            Is.EqualTo($"Backup {backup.ArchivePath} has no data-20260102T030405.000Z-x.tar.gz.sha256."));
    }

    [Test]
    public void Only_data_archives_in_the_backup_directory_are_backups()
    {
        using var dir = new TempDirectory();
        dir.Write("data/a.jsonl", "{}\n");
        var backup = DataBackup.Create(dir.Combine("data"), dir.Combine("backups"), "x", DateTimeOffset.Parse("2026-01-02T03:04:05Z"));
        dir.Write("backups/package-1.0.0.tar.gz", "not a backup");
        dir.Write("backups/data-20260103T000000.000Z-x.tar.gz.partial", "unfinished");
        dir.Write("backups/data-20260103T000000.000Z-x.tar", "not compressed");

        Assert.That(DataBackup.Newest(dir.Combine("backups")), Is.EqualTo(new[] { backup.ArchivePath }));
        Assert.That(DataBackup.Prune(dir.Combine("backups"), keep: 0), Is.EqualTo(new[] { backup.ArchivePath }));
        Assert.That(Directory.GetFiles(dir.Combine("backups")).Select(Path.GetFileName), Is.EquivalentTo(new[]
            { "package-1.0.0.tar.gz", "data-20260103T000000.000Z-x.tar.gz.partial", "data-20260103T000000.000Z-x.tar" }));
    }

    [Test]
    public void A_checksum_file_left_without_its_archive_keeps_its_name_from_being_reused()
    {
        using var dir = new TempDirectory();
        dir.Write("data/a.jsonl", "{}\n");
        var leftover = dir.Write("backups/data-20260102T030405.000Z-x.tar.gz.sha256", "0000  data-20260102T030405.000Z-x.tar.gz\n");

        var backup = DataBackup.Create(dir.Combine("data"), dir.Combine("backups"), "x", DateTimeOffset.Parse("2026-01-02T03:04:05Z"));

        Assert.That(Path.GetFileName(backup.ArchivePath), Is.EqualTo("data-20260102T030405.001Z-x.tar.gz"));
        Assert.That(File.ReadAllText(leftover), Is.EqualTo("0000  data-20260102T030405.000Z-x.tar.gz\n"));
        Assert.That(DataBackup.Verify(backup.ArchivePath).Entries["a.jsonl"], Is.EqualTo(3));
    }

    [Test]
    public void A_file_without_any_line_end_is_backed_up_whole_and_one_whose_only_line_is_empty_up_to_that_line()
    {
        using var dir = new TempDirectory();
        dir.Write("data/settings.json", "{\"only\":1}");
        dir.Write("data/started.jsonl", "\n{\"half\"");

        var backup = DataBackup.Create(dir.Combine("data"), dir.Combine("backups"), "x", DateTimeOffset.UtcNow);

        var entries = DataBackup.Verify(backup.ArchivePath).Entries;
        Assert.That(entries["settings.json"], Is.EqualTo(10));
        Assert.That(entries["started.jsonl"], Is.EqualTo(1));
    }

    [TestCase(true)]
    [TestCase(false)]
    public void A_backup_of_an_empty_or_missing_data_directory_restores_an_empty_one(bool exists)
    {
        using var dir = new TempDirectory();
        if (exists) Directory.CreateDirectory(dir.Combine("data"));

        var backup = DataBackup.Create(dir.Combine("data"), dir.Combine("backups"), "x", DateTimeOffset.UtcNow);
        var (sha256, files) = DataBackup.Extract(backup.ArchivePath, dir.Combine("restored"));

        Assert.That((backup.Files, files, sha256), Is.EqualTo((0, 0, backup.Sha256)));
        Assert.That(DataBackup.Verify(backup.ArchivePath).Entries, Is.Empty);
        Assert.That(Directory.Exists(dir.Combine("restored")), Is.True);
        Assert.That(Directory.EnumerateFileSystemEntries(dir.Combine("restored")), Is.Empty);
    }

    [Test]
    public void A_data_file_another_process_has_open_for_writing_is_backed_up_and_left_unlocked()
    {
        using var dir = new TempDirectory();
        var path = dir.Write("data/a.jsonl", "{\"seq\":1}\n");

        BackupResult backup;
        using (var service = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite))
        {
            service.Write("{\"seq\":2}\n{\"se"u8);
            service.Flush();
            backup = DataBackup.Create(dir.Combine("data"), dir.Combine("backups"), "x", DateTimeOffset.UtcNow);
        }

        Assert.That(DataBackup.Verify(backup.ArchivePath).Entries["a.jsonl"], Is.EqualTo(20));
        using var exclusive = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None); // the backup holds no handle on it
        Assert.That(exclusive.Length, Is.EqualTo(24));
    }
}

/// <summary>Backup archives made by hand, for the archives no backup writes.</summary>
internal static class BackupArchives
{
    /// <summary>An archive of exactly <paramref name="entries"/> with its matching .sha256, as no backup writes it (a damaged or foreign one).</summary>
    public static string Write(string archive, params TarEntry[] entries)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(archive)!);
        using (var file = File.Create(archive))
        using (var gzip = new System.IO.Compression.GZipStream(file, System.IO.Compression.CompressionLevel.Fastest))
        using (var tar = new TarWriter(gzip, TarEntryFormat.Pax))
            foreach (var entry in entries) tar.WriteEntry(entry);
        using (var stream = File.OpenRead(archive))
            File.WriteAllText(archive + ".sha256", Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(stream)) + "  x\n");
        return archive;
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

    [Test]
    public void A_backup_keeps_modes_and_times_in_name_order_and_a_restore_puts_them_back()
    {
        using var dir = new TempDirectory();
        var time = new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc);
        var files = new (string Name, UnixFileMode Mode)[] { ("b.jsonl", OwnerOnly), ("a.jsonl", (UnixFileMode)0b110_100_100), ("nested/c.jsonl", (UnixFileMode)0b110_100_000) };
        foreach (var (name, mode) in files)
        {
            var path = dir.Write("data/" + name, $"{{\"{name}\":1}}\n");
            File.SetUnixFileMode(path, mode);
            File.SetLastWriteTimeUtc(path, time);
        }
        Directory.CreateDirectory(dir.Combine("data", "empty"));
        File.SetUnixFileMode(dir.Combine("data", "empty"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        File.SetUnixFileMode(dir.Combine("data", "nested"), (UnixFileMode)0b111_101_000);

        var backup = CreateWithin10Seconds(dir.Combine("data"), dir.Combine("backups"));
        var restored = dir.Combine("restored");
        DataBackup.Extract(backup.ArchivePath, restored);

        Assert.That(File.GetUnixFileMode(dir.Combine("backups")), Is.EqualTo(OwnerOnly | UnixFileMode.UserExecute), "the backup directory is the owner's only");
        Assert.That(Entries(backup.ArchivePath).Select(e => (e.Type, e.Name)), Is.EqualTo(new[]
        {
            (TarEntryType.Directory, "./"), (TarEntryType.RegularFile, "a.jsonl"), (TarEntryType.RegularFile, "b.jsonl"),
            (TarEntryType.Directory, "empty/"), (TarEntryType.Directory, "nested/"), (TarEntryType.RegularFile, "nested/c.jsonl"),
        }));
        foreach (var (name, mode) in files)
        {
            Assert.That(File.GetUnixFileMode(Path.Combine(restored, name)), Is.EqualTo(mode), name);
            Assert.That(File.GetLastWriteTimeUtc(Path.Combine(restored, name)), Is.EqualTo(time), name);
            Assert.That(File.ReadAllText(Path.Combine(restored, name)), Is.EqualTo($"{{\"{name}\":1}}\n"), name);
        }
        Assert.That(File.GetUnixFileMode(Path.Combine(restored, "empty")), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute));
        Assert.That(File.GetUnixFileMode(Path.Combine(restored, "nested")), Is.EqualTo((UnixFileMode)0b111_101_000));
        Assert.That(Directory.EnumerateFileSystemEntries(Path.Combine(restored, "empty")), Is.Empty);
    }

    [Test]
    public void A_backup_is_only_unpacked_into_a_directory_that_does_not_exist_nor_through_a_link()
    {
        using var dir = new TempDirectory();
        dir.Write("data/a.jsonl", "{}\n");
        var backup = DataBackup.Create(dir.Combine("data"), dir.Combine("backups"), "x", DateTimeOffset.UtcNow);
        var existing = dir.Combine("existing");
        Directory.CreateDirectory(existing);
        var link = dir.Combine("link");
        Directory.CreateSymbolicLink(link, dir.Combine("not-yet"));

        foreach (var destination in new[] { existing, link })
            Assert.That(Assert.Throws<IOException>(() => DataBackup.Extract(backup.ArchivePath, destination))!.Message,
                Is.EqualTo($"{destination} exists already: a backup is only unpacked into a new directory."));

        Assert.That(Directory.EnumerateFileSystemEntries(existing), Is.Empty);
        Assert.That(Path.Exists(dir.Combine("not-yet")), Is.False);
    }

    [Test]
    public void An_archive_without_directory_entries_is_unpacked_into_the_folders_its_files_need()
    {
        using var dir = new TempDirectory();
        var archive = BackupArchives.Write(dir.Combine("backups", "data-20260101T000000.000Z-x.tar.gz"),
            new PaxTarEntry(TarEntryType.RegularFile, "nested/deep/a.jsonl") { DataStream = new MemoryStream("{}\n"u8.ToArray()) });

        var (_, files) = DataBackup.Extract(archive, dir.Combine("restored"));

        Assert.That(files, Is.EqualTo(1));
        Assert.That(File.ReadAllText(dir.Combine("restored", "nested", "deep", "a.jsonl")), Is.EqualTo("{}\n"));
    }

    [Test]
    public void An_archive_entry_of_a_kind_no_backup_writes_is_refused_naming_it_and_the_fix()
    {
        using var dir = new TempDirectory();
        var archive = BackupArchives.Write(dir.Combine("backups", "data-20260101T000000.000Z-x.tar.gz"),
            new PaxTarEntry(TarEntryType.RegularFile, "a.jsonl") { DataStream = new MemoryStream("{}\n"u8.ToArray()) },
            new PaxTarEntry(TarEntryType.HardLink, "b.jsonl") { LinkName = "a.jsonl" });

        Assert.That(Assert.Throws<InvalidDataException>(() => DataBackup.Extract(archive, dir.Combine("restored")))!.Message,
            Is.EqualTo($"Backup {archive} holds b.jsonl, a HardLink entry, which no backup writes: not restored. Fix: pick another backup (--backup=NAME)."));
    }

    [Test]
    public void A_backup_that_fails_half_way_leaves_no_partial_archive()
    {
        using var dir = new TempDirectory();
        dir.Write("data/a.jsonl", "{}\n");
        // A name that is no UTF-8 (a container may write any bytes): .NET lists it as another name, which cannot be read.
        using (var python = Process.Start("python3", ["-c", "import os, sys; open(os.path.join(os.fsencode(sys.argv[1]), b'\\xff.jsonl'), 'w').write('{}')", dir.Combine("data")])!)
        {
            python.WaitForExit();
            Assert.That(python.ExitCode, Is.Zero);
        }

        var error = Assert.Throws<IOException>(() => DataBackup.Create(dir.Combine("data"), dir.Combine("backups"), "x", DateTimeOffset.UtcNow))!;

        Assert.That(error.Message, Does.StartWith($"Cannot read the file type of {dir.Combine("data")}/").And.EndWith(".jsonl (errno 2)."));
        Assert.That(Directory.GetFiles(dir.Combine("backups")), Is.Empty);
    }

    [Test]
    public void The_partial_archives_of_killed_runs_are_removed_and_named_oldest_first()
    {
        using var dir = new TempDirectory();
        dir.Write("data/a.jsonl", "{}\n");
        var older = dir.Write("backups/data-20260101T000000.000Z-x.tar.gz.partial", "half");
        var newer = dir.Write("backups/data-20260102T000000.000Z-x.tar.gz.partial", "half");

        var backup = DataBackup.Create(dir.Combine("data"), dir.Combine("backups"), "x", DateTimeOffset.UtcNow);

        Assert.That(backup.RemovedPartials, Is.EqualTo(new[] { older, newer }));
        Assert.That(Directory.GetFiles(dir.Combine("backups")).Select(Path.GetFileName), Is.EquivalentTo(new[] { Path.GetFileName(backup.ArchivePath), Path.GetFileName(backup.ArchivePath) + ".sha256" }));
    }

    [TestCase("../escaped.txt")]
    [TestCase("link/escaped.txt")]
    public void An_archive_entry_that_would_be_written_outside_or_through_a_link_is_refused(string name)
    {
        using var dir = new TempDirectory();
        var outside = dir.Combine("outside");
        Directory.CreateDirectory(outside);
        var archive = BackupArchives.Write(dir.Combine("backups", "data-20260101T000000.000Z-x.tar.gz"),
            new PaxTarEntry(TarEntryType.SymbolicLink, "link") { LinkName = outside },
            new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream("x"u8.ToArray()) });

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

    [Test]
    public void An_unknown_backup_name_is_refused_with_every_backup_there_is_newest_first_or_none()
    {
        using var dir = new TempDirectory();
        var backups = dir.Combine("backups");
        Directory.CreateDirectory(backups);

        Assert.That(Assert.Throws<FileNotFoundException>(() => DataRestore.Choose(backups, "data-x.tar.gz"))!.Message,
            Is.EqualTo($"There is no backup data-x.tar.gz in {backups}. Fix: give --backup one of: (none)."));
        Assert.That(Assert.Throws<FileNotFoundException>(() => DataRestore.Choose(backups, null))!.Message,
            Is.EqualTo($"There is no backup in {backups} to restore. Fix: backups are made by each deploy; name one elsewhere by copying it (with its .sha256) into that directory."));

        Backup(dir, "{}\n", 1);
        Backup(dir, "{}\n", 2);
        Assert.That(Assert.Throws<FileNotFoundException>(() => DataRestore.Choose(backups, "data-x.tar.gz"))!.Message,
            Is.EqualTo($"There is no backup data-x.tar.gz in {backups}. Fix: give --backup one of: data-20260102T000000.000Z-x.tar.gz, data-20260101T000000.000Z-x.tar.gz."));
    }

    [Test]
    public void A_backup_is_unpacked_beside_the_data_under_a_name_of_its_own_and_the_data_is_not_touched()
    {
        using var dir = new TempDirectory();
        var archive = Backup(dir, "{\"backed-up\":1}\n", 1);
        dir.Write("data/a.jsonl", "{\"current\":1}\n");
        var now = DateTimeOffset.Parse("2026-02-03T04:05:06.007+01:00");

        var first = DataRestore.Unpack(archive, dir.Combine("data"), now);
        var second = DataRestore.Unpack(archive, dir.Combine("data") + "/", now);

        Assert.That(first.Directory, Is.EqualTo(dir.Combine("data.restoring-20260203T030506.007Z")));
        Assert.That(second.Directory, Is.EqualTo(dir.Combine("data.restoring-20260203T030506.008Z")), "the same instant again");
        Assert.That(File.ReadAllText(Path.Combine(second.Directory, "a.jsonl")), Is.EqualTo("{\"backed-up\":1}\n"));
        Assert.That(File.ReadAllText(dir.Combine("data", "a.jsonl")), Is.EqualTo("{\"current\":1}\n"));
    }

    [Test]
    public void A_backup_refused_half_way_through_unpacking_leaves_nothing_unpacked_and_the_data_as_it_was()
    {
        using var dir = new TempDirectory();
        dir.Write("data/a.jsonl", "{\"current\":1}\n");
        var archive = BackupArchives.Write(dir.Combine("backups", "data-20260101T000000.000Z-x.tar.gz"),
            new PaxTarEntry(TarEntryType.Directory, "nested/"),
            new PaxTarEntry(TarEntryType.RegularFile, "nested/a.jsonl") { DataStream = new MemoryStream("{}\n"u8.ToArray()) },
            new PaxTarEntry(TarEntryType.RegularFile, "../escaped.txt") { DataStream = new MemoryStream("x"u8.ToArray()) });

        Assert.Throws<InvalidDataException>(() => DataRestore.Unpack(archive, dir.Combine("data"), DateTimeOffset.UtcNow));

        Assert.That(Directory.GetDirectories(dir.Path).Select(Path.GetFileName), Is.EquivalentTo(new[] { "data", "backups" }));
        Assert.That(Directory.GetFiles(dir.Combine("data")).Select(Path.GetFileName), Is.EqualTo(new[] { "a.jsonl" }));
        Assert.That(File.Exists(dir.Combine("escaped.txt")), Is.False);
    }

    [Test]
    public void A_switch_that_cannot_put_the_unpacked_data_in_place_puts_the_old_data_back()
    {
        using var dir = new TempDirectory();
        dir.Write("data/a.jsonl", "{\"current\":1}\n");

        Assert.Throws<DirectoryNotFoundException>(() => DataRestore.Switch(dir.Combine("data"), dir.Combine("data.restoring-gone"), DateTimeOffset.UtcNow));

        Assert.That(Directory.GetDirectories(dir.Path), Is.EqualTo(new[] { dir.Combine("data") }), "nothing is left aside");
        Assert.That(File.ReadAllText(dir.Combine("data", "a.jsonl")), Is.EqualTo("{\"current\":1}\n"));
    }

    [Test]
    public void A_switch_where_there_was_no_data_puts_the_backup_in_place_and_moves_nothing_aside()
    {
        using var dir = new TempDirectory();
        var archive = Backup(dir, "{\"backed-up\":1}\n", 1);
        var now = DateTimeOffset.UtcNow;
        var (unpacked, _, _) = DataRestore.Unpack(archive, dir.Combine("data"), now);

        var aside = DataRestore.Switch(dir.Combine("data"), unpacked, now);

        Assert.That(aside, Is.Null);
        Assert.That(File.ReadAllText(dir.Combine("data", "a.jsonl")), Is.EqualTo("{\"backed-up\":1}\n"));
        Assert.That(Directory.GetDirectories(dir.Path).Select(Path.GetFileName), Is.EquivalentTo(new[] { "source", "backups", "data" }));
    }
}

[Category("Core")]
public class RestoreReportTests
{
    private static readonly DateTimeOffset CheckedAt = DateTimeOffset.Parse("2026-02-03T04:05:06Z");
    private const string Archive = "data-20260101T000000.000Z-before-1.0.0.tar.gz";

    private static QtsOps.Core.Verification.VerifyReport Verified(params QtsOps.Core.Verification.CheckResult[] checks) =>
        QtsOps.Core.Verification.VerifyReport.Of("verify", "local", "1.0.0", "qts-observer", CheckedAt, checks, "docker-compose.yml");

    [Test]
    public void A_release_that_did_not_start_fails_the_restore_and_says_how_to_go_back_to_the_data_moved_aside()
    {
        var report = new RestoreReport("local", "1.0.0", Archive, "ab12", 3, "/srv/data.before-restore-20260203T040506.000Z", "the container exited (1).", null);

        Assert.That(report.Passed, Is.False);
        Assert.That(report.Findings, Is.EqualTo(new[]
        {
            QtsOps.Core.Reports.Finding.Error("restore/start", null, "the container exited (1).",
                "to go back, put /srv/data.before-restore-20260203T040506.000Z in place of the data directory and run ./build.sh --target=verify"),
        }));
        Assert.That(report.ToMarkdown(), Is.EqualTo(
            "# restore: local\n\n" +
            $"Backup `{Archive}` (SHA-256 `ab12`, checked, 3 file(s)) restored under release `1.0.0`: **FAILED**.\n\n" +
            "The data that was in place is kept in `/srv/data.before-restore-20260203T040506.000Z`.\n\n" +
            "The release did not start on the restored data: the container exited (1).\n"));
    }

    [Test]
    public void A_release_that_did_not_start_where_there_was_no_data_points_at_the_error()
    {
        var report = new RestoreReport("local", "1.0.0", Archive, "ab12", 0, null, "the container exited (1).", null);

        Assert.That(report.Findings.Single().Fix, Is.EqualTo("see the error"));
        Assert.That(report.ToMarkdown(), Does.Contain("`1.0.0`: **FAILED**.\n\nThere was no data before.\n\nThe release did not start"));
    }

    [Test]
    public void A_verified_release_passes_the_restore_and_its_checks_are_a_section_of_the_report()
    {
        var report = new RestoreReport("local", "1.0.0", Archive, "ab12", 3, null, null, Verified(QtsOps.Core.Verification.CheckResult.Pass("running", "running since 04:05")));

        Assert.That(report.Passed, Is.True);
        Assert.That(report.Findings, Is.Empty);
        Assert.That(report.ToMarkdown(), Is.EqualTo(
            "# restore: local\n\n" +
            $"Backup `{Archive}` (SHA-256 `ab12`, checked, 3 file(s)) restored under release `1.0.0`: **passed**.\n\n" +
            "There was no data before.\n\n" +
            "## Verification\n\n" +
            "Release `1.0.0` in container `qts-observer`, checked 2026-02-03 04:05:06Z: **passed** (1 of 1 checks passed).\n\n" +
            "| check | result | evidence |\n|---|---|---|\n" +
            "| `running` | pass | running since 04:05 |\n"));
    }

    [Test]
    public void A_failed_verification_fails_the_restore_with_the_verification_s_findings()
    {
        var verification = Verified(QtsOps.Core.Verification.CheckResult.Pass("running", "running"), QtsOps.Core.Verification.CheckResult.Fail("health", "HTTP 500", "see the service log"));

        var report = new RestoreReport("local", "1.0.0", Archive, "ab12", 3, null, null, verification);

        Assert.That(report.Passed, Is.False);
        Assert.That(report.Findings, Is.EqualTo(verification.Findings));
        Assert.That(report.Findings.Single().Rule, Is.EqualTo("verify/health"));
        Assert.That(report.ToMarkdown(), Does.Contain("restored under release `1.0.0`: **FAILED**."));
    }

    [Test]
    public void A_restore_with_no_verification_and_no_failure_has_not_passed_and_has_no_findings()
    {
        var report = new RestoreReport("local", "1.0.0", Archive, "ab12", 3, null, null, null);

        Assert.That(report.Passed, Is.False);
        Assert.That(report.Findings, Is.Not.Null.And.Empty);
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

    [Test]
    public void An_install_replaces_the_partial_copy_a_killed_install_left()
    {
        using var dir = new TempDirectory();
        dir.Write("package/docker-compose.yml", "v1");
        dir.Write("deploy/releases/.1.0.0.partial/docker-compose.yml", "half");
        dir.Write("deploy/releases/.1.0.0.partial/stale.txt", "from the killed install");
        var store = new ReleaseStore(dir.Combine("deploy"));

        var path = store.Install(dir.Combine("package"), "1.0.0");

        Assert.That(path, Is.EqualTo(dir.Combine("deploy", "releases", "1.0.0")));
        Assert.That(Directory.GetFiles(path).Select(Path.GetFileName), Is.EqualTo(new[] { "docker-compose.yml" }));
        Assert.That(File.ReadAllText(Path.Combine(path, "docker-compose.yml")), Is.EqualTo("v1"));
        Assert.That(Directory.GetDirectories(store.ReleasesDirectory).Select(Path.GetFileName), Is.EqualTo(new[] { "1.0.0" }));
    }

    [Test]
    public void Installing_a_release_again_replaces_its_copy_and_makes_it_the_newest_install()
    {
        using var dir = new TempDirectory();
        dir.Write("package/docker-compose.yml", "v1");
        dir.Write("package/removed-later.txt", "x");
        var store = new ReleaseStore(dir.Combine("deploy"));
        store.Install(dir.Combine("package"), "1.0.0");
        Directory.SetLastWriteTimeUtc(store.PathOf("1.0.0"), new DateTime(2026, 1, 1));
        store.Install(dir.Combine("package"), "1.0.1");
        Directory.SetLastWriteTimeUtc(store.PathOf("1.0.1"), new DateTime(2026, 1, 2));
        File.Delete(dir.Combine("package", "removed-later.txt"));
        dir.Write("package/docker-compose.yml", "v1 again");

        store.Install(dir.Combine("package"), "1.0.0");

        Assert.That(Directory.GetFiles(store.PathOf("1.0.0")).Select(Path.GetFileName), Is.EqualTo(new[] { "docker-compose.yml" }));
        Assert.That(File.ReadAllText(Path.Combine(store.PathOf("1.0.0"), "docker-compose.yml")), Is.EqualTo("v1 again"));
        Assert.That(store.Installed, Is.EqualTo(new[] { "1.0.0", "1.0.1" }));
    }

    [Test]
    public void Releases_installed_at_the_same_time_are_listed_by_name_newest_first()
    {
        using var dir = new TempDirectory();
        dir.Write("package/f", "x");
        var store = new ReleaseStore(dir.Combine("deploy"));
        foreach (var release in new[] { "1.0.1", "1.0.0", "1.0.2" })
        {
            store.Install(dir.Combine("package"), release);
            Directory.SetLastWriteTimeUtc(store.PathOf(release), new DateTime(2026, 1, 1));
        }

        Assert.That(store.Installed, Is.EqualTo(new[] { "1.0.2", "1.0.1", "1.0.0" }));
    }

    [Test]
    public void A_release_that_is_not_installed_is_refused_naming_the_installed_ones_or_none()
    {
        using var dir = new TempDirectory();
        dir.Write("package/f", "x");
        var store = new ReleaseStore(dir.Combine("deploy"));

        Assert.That(store.NotInstalled("1.0.0"), Is.EqualTo($"'1.0.0' is not a release installed under {store.ReleasesDirectory} (installed, newest first: none)"));
        store.Install(dir.Combine("package"), "1.0.0");
        Assert.That(Assert.Throws<DirectoryNotFoundException>(() => store.Activate("2.0.0"))!.Message,
            Is.EqualTo($"'2.0.0' is not a release installed under {store.ReleasesDirectory} (installed, newest first: 1.0.0)."));
    }

    [Test]
    public void A_package_directory_that_does_not_exist_is_refused_before_anything_is_written()
    {
        using var dir = new TempDirectory();
        var store = new ReleaseStore(dir.Combine("deploy"));

        Assert.That(Assert.Throws<DirectoryNotFoundException>(() => store.Install(dir.Combine("package"), "1.0.0"))!.Message,
            Is.EqualTo($"Package directory {dir.Combine("package")} does not exist."));
        Assert.That(Directory.Exists(dir.Combine("deploy")), Is.False);
    }

    [Test]
    public void A_deploy_directory_on_a_docker_host_is_written_there_never_on_this_machine()
    {
        using var dir = new TempDirectory();
        dir.Write("package/docker-compose.yml", "v1");
        var store = new ReleaseStore(HostFolder.Root + "/deploy", new HostFolder(dir.Combine("host")));

        store.Install(dir.Combine("package"), "1.0.0");
        store.Activate("1.0.0");

        Assert.That(store.Current, Is.EqualTo("1.0.0"));
        Assert.That(store.PathOf("1.0.0"), Is.EqualTo(HostFolder.Root + "/deploy/releases/1.0.0"));
        Assert.That(File.ReadAllText(dir.Combine("host", "deploy", "releases", "1.0.0", "docker-compose.yml")), Is.EqualTo("v1"));
        Assert.That(new FileInfo(dir.Combine("host", "deploy", "current")).LinkTarget, Is.EqualTo("releases/1.0.0"), "relative: it points into the host's own tree");
    }
}

/// <summary>
/// A Docker host's file system as <see cref="IHostFileSystem"/> presents it, kept in a local folder:
/// host paths (POSIX, under <see cref="Root"/>) are files under <c>disk</c>. <see cref="Root"/> is under
/// /proc, where nothing can be created, so code that wrongly used this machine's file system fails.
/// </summary>
internal sealed class HostFolder(string disk) : IHostFileSystem
{
    public const string Root = "/proc/qtsops-test-docker-host";

    private string Local(string path) => path == Root || path.StartsWith(Root + "/", StringComparison.Ordinal)
        ? disk + path[Root.Length..]
        : throw new ArgumentException($"{path} is no path on the Docker host");

    public string Combine(string directory, string name) => directory + "/" + name;
    public bool DirectoryExists(string path) => LocalFileSystem.Instance.DirectoryExists(Local(path));
    public string? LinkTarget(string path) => LocalFileSystem.Instance.LinkTarget(Local(path));
    public void ReplaceLink(string link, string target) => LocalFileSystem.Instance.ReplaceLink(Local(link), target);
    public void CopyIn(string localDirectory, string path) => LocalFileSystem.Instance.CopyDirectory(localDirectory, Local(path));
    public void CopyDirectory(string from, string to) => LocalFileSystem.Instance.CopyDirectory(Local(from), Local(to));
    public void CreateDirectory(string path) => LocalFileSystem.Instance.CreateDirectory(Local(path));
    public void DeleteDirectory(string path) => LocalFileSystem.Instance.DeleteDirectory(Local(path));
    public void MoveDirectory(string from, string to) => LocalFileSystem.Instance.MoveDirectory(Local(from), Local(to));
    public void Touch(string path) => LocalFileSystem.Instance.Touch(Local(path));
    public IReadOnlyList<(string Name, DateTime LastWriteUtc)> Directories(string path) => LocalFileSystem.Instance.Directories(Local(path));
    public string? ReadAllText(string path) => LocalFileSystem.Instance.ReadAllText(Local(path));
    public void AppendLine(string path, string line) => LocalFileSystem.Instance.AppendLine(Local(path), line);
}

[Category("Core")]
[System.Runtime.Versioning.SupportedOSPlatform("linux"), Platform("Linux")] // links, modes and rename(2) as a Linux host has them
public class LocalFileSystemTests
{
    [TestCase("link")]
    [TestCase("file")]
    public void Pointing_a_link_elsewhere_replaces_what_a_killed_switch_left_beside_it(string leftover)
    {
        using var dir = new TempDirectory();
        Directory.CreateDirectory(dir.Combine("releases", "1.0.0"));
        Directory.CreateDirectory(dir.Combine("releases", "1.0.1"));
        var current = dir.Combine("current");
        Directory.CreateSymbolicLink(current, "releases/1.0.0");
        // The link a killed switch made (to the release it was switching to), or a file in its place.
        if (leftover == "link") Directory.CreateSymbolicLink(current + ".next", "releases/1.0.1");
        else File.WriteAllText(current + ".next", "half");

        LocalFileSystem.Instance.ReplaceLink(current, "releases/1.0.1");

        Assert.That(LocalFileSystem.Instance.LinkTarget(current), Is.EqualTo("releases/1.0.1"));
        Assert.That(Directory.GetFileSystemEntries(dir.Path).Select(Path.GetFileName), Is.EquivalentTo(new[] { "releases", "current" }));
    }

    [Test]
    public void A_link_cannot_replace_a_real_directory_and_the_error_names_both()
    {
        using var dir = new TempDirectory();
        var current = dir.Combine("current");
        dir.Write("current/docker-compose.yml", "made by hand");

        var error = Assert.Throws<IOException>(() => LocalFileSystem.Instance.ReplaceLink(current, "releases/1.0.1"))!;

        Assert.That(error.Message, Is.EqualTo($"Could not point {current} at releases/1.0.1 (errno 21)."));
        Assert.That(File.ReadAllText(dir.Combine("current", "docker-compose.yml")), Is.EqualTo("made by hand"));
    }

    [Test]
    public void A_directory_is_copied_whole_with_its_empty_folders_and_its_file_modes()
    {
        using var dir = new TempDirectory();
        var script = dir.Write("from/bin/start.sh", "#!/bin/sh\n");
        File.SetUnixFileMode(script, (UnixFileMode)0b111_101_000); // 0750
        var secret = dir.Write("from/config/private.env", "X=1\n");
        File.SetUnixFileMode(secret, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        dir.Write("from/docker-compose.yml", "services: {}\n");
        Directory.CreateDirectory(dir.Combine("from", "logs", "empty"));

        LocalFileSystem.Instance.CopyIn(dir.Combine("from"), dir.Combine("to", "copy"));

        var to = dir.Combine("to", "copy");
        Assert.That(Directory.EnumerateFileSystemEntries(to, "*", SearchOption.AllDirectories).Select(p => Path.GetRelativePath(to, p)).Order(StringComparer.Ordinal),
            Is.EqualTo(new[] { "bin", "bin/start.sh", "config", "config/private.env", "docker-compose.yml", "logs", "logs/empty" }));
        Assert.That(File.ReadAllText(Path.Combine(to, "bin", "start.sh")), Is.EqualTo("#!/bin/sh\n"));
        Assert.That(File.GetUnixFileMode(Path.Combine(to, "bin", "start.sh")), Is.EqualTo((UnixFileMode)0b111_101_000));
        Assert.That(File.GetUnixFileMode(Path.Combine(to, "config", "private.env")), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
    }

    [Test]
    public void A_folder_or_file_that_does_not_exist_reads_as_nothing()
    {
        using var dir = new TempDirectory();

        Assert.That(LocalFileSystem.Instance.Directories(dir.Combine("releases")), Is.Empty);
        Assert.That(LocalFileSystem.Instance.ReadAllText(dir.Combine("history.jsonl")), Is.Null);
        Assert.That(LocalFileSystem.Instance.LinkTarget(dir.Combine("current")), Is.Null);
        Assert.That(LocalFileSystem.Instance.DirectoryExists(dir.Combine("releases")), Is.False);
    }

    [Test]
    public void The_folders_of_a_directory_are_listed_with_their_times_and_its_files_are_not()
    {
        using var dir = new TempDirectory();
        Directory.CreateDirectory(dir.Combine("releases", "1.0.0"));
        dir.Write("releases/1.0.1/f", "x");
        dir.Write("releases/notes.txt", "x");
        Directory.SetLastWriteTimeUtc(dir.Combine("releases", "1.0.0"), new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        Directory.SetLastWriteTimeUtc(dir.Combine("releases", "1.0.1"), new DateTime(2026, 1, 2, 0, 0, 0, DateTimeKind.Utc));

        Assert.That(LocalFileSystem.Instance.Directories(dir.Combine("releases")), Is.EquivalentTo(new[]
        {
            ("1.0.0", new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc)), ("1.0.1", new DateTime(2026, 1, 2, 0, 0, 0, DateTimeKind.Utc)),
        }));
        Assert.That(LocalFileSystem.Instance.ReadAllText(dir.Combine("releases", "notes.txt")), Is.EqualTo("x"));
    }
}

[Category("Core")]
[System.Runtime.Versioning.SupportedOSPlatform("linux"), Platform("Linux")] // statx
public class FileKindsTests
{
    [Test]
    public void A_path_that_does_not_exist_has_no_file_type_and_the_error_says_which_and_why()
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("gone.jsonl");

        Assert.That(Assert.Throws<IOException>(() => FileKinds.Of(path))!.Message, Is.EqualTo($"Cannot read the file type of {path} (errno 2)."));
    }

    [Test]
    public void A_handle_that_is_no_open_file_has_no_file_type_and_the_error_says_which_and_why()
    {
        using var handle = new Microsoft.Win32.SafeHandles.SafeFileHandle(int.MaxValue, ownsHandle: false);

        Assert.That(Assert.Throws<IOException>(() => FileKinds.Of(handle, "/srv/data/a.jsonl"))!.Message, Is.EqualTo("Cannot read the file type of the open /srv/data/a.jsonl (errno 9)."));
    }

    [Test]
    public void An_open_file_is_the_file_its_path_names_until_the_path_is_replaced()
    {
        using var dir = new TempDirectory();
        var path = dir.Write("a.jsonl", "{}\n");
        using var open = File.OpenHandle(path);
        var looked = FileKinds.Of(path);

        Assert.That(looked.Kind, Is.EqualTo(FileKind.Regular));
        Assert.That(FileKinds.Of(open, path), Is.EqualTo(looked));
        File.Move(path, dir.Combine("old.jsonl"));
        File.WriteAllText(path, "{}\n");
        Assert.That(FileKinds.Of(path), Is.Not.EqualTo(looked), "another file under the same name");
        Assert.That(FileKinds.Of(dir.Path).Kind, Is.EqualTo(FileKind.Directory));
    }
}
