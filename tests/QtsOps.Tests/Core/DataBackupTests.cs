using QtsOps.Core.Deployment;

namespace QtsOps.Tests.Core;

/// <summary>The backups' names and order, and what the host's backup script says of the one it wrote.</summary>
[Category("Core")]
public class DataBackupTests
{
    [Test]
    public void The_backups_of_a_folder_are_its_data_archives_newest_first_and_none_when_it_is_missing()
    {
        using var dir = new TempDirectory();
        dir.Write("data-20261201T080000.000Z-before-1.0.0.tar.gz", "a");
        dir.Write("data-20261202T080000.000Z-before-1.1.0.tar.gz", "b");
        dir.Write("data-20261202T080000.000Z-before-1.1.0.tar.gz.sha256", "c");
        dir.Write("config-20261203T080000.000Z.tar.gz", "not data");

        Assert.That(DataBackup.Newest(dir.Path).Select(Path.GetFileName), Is.EqualTo(new[]
        {
            "data-20261202T080000.000Z-before-1.1.0.tar.gz", "data-20261201T080000.000Z-before-1.0.0.tar.gz",
        }));
        Assert.That(DataBackup.Newest(dir.Combine("no-backups-yet")), Is.Empty);
    }

    [Test]
    public void The_backup_script_s_lines_give_the_archive_s_digest_counts_what_it_left_out_the_partials_it_removed_and_the_folder_s_listing()
    {
        string[] said = ["partial /b/data-1.tar.gz.partial", "sha256 abc", "files 2", "bytes 300", "skipped ./run/observer.sock: a socket", "skipped ./fifo: a FIFO",
            "listed data-1.tar.gz", "listed data-1.tar.gz.sha256", "unrelated"];

        var result = DataBackup.ReadResult("/b/data-1.tar.gz", said);

        Assert.That((result.Sha256, result.Files, result.Bytes), Is.EqualTo(("abc", 2, 300L)));
        Assert.That(result.Skipped, Is.EqualTo(new[] { "./run/observer.sock: a socket", "./fifo: a FIFO" }));
        Assert.That(result.RemovedPartials, Is.EqualTo(new[] { "/b/data-1.tar.gz.partial" }));
        Assert.That(result.Backups, Is.EqualTo(new[] { "data-1.tar.gz", "data-1.tar.gz.sha256" }));
    }

    [TestCase("sha256")]
    [TestCase("files")]
    [TestCase("bytes")]
    public void A_backup_script_that_did_not_say_the_digest_or_a_count_is_not_taken_for_a_checked_backup(string missing)
    {
        var said = new[] { "sha256 abc", "files 2", "bytes 300" }.Where(line => !line.StartsWith(missing + " ", StringComparison.Ordinal));

        var error = Assert.Throws<InvalidDataException>(() => DataBackup.ReadResult("/b/data-1.tar.gz", said))!;

        Assert.That(error.Message, Is.EqualTo($"/b/data-1.tar.gz: the backup script did not say the archive's {missing}, so the backup is not known to be whole and the run stops. " +
            "Fix: run it again; if this repeats, look on that host for what stopped the script (disk full, the backup folder not writable)."));
    }
}
