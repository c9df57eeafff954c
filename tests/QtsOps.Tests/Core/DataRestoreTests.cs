using System.Formats.Tar;
using QtsOps.Core.Deployment;

namespace QtsOps.Tests.Core;

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
