using System.Formats.Tar;
using QtsOps.Core.Deployment;

namespace QtsOps.Tests.Core;

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
