using System.Diagnostics;
using System.Formats.Tar;
using QtsOps.Core.Deployment;

namespace QtsOps.Tests.Tools;

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
