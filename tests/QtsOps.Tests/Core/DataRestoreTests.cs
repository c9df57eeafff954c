using QtsOps.Core.Deployment;

namespace QtsOps.Tests.Core;

/// <summary>What the core decides of a restore; the steps are host scripts, tested on both hosts in DeploymentHostContractTests.</summary>
[Category("Core")]
public class DataRestoreTests
{
    [Test]
    public void The_newest_backup_is_chosen_unless_one_is_named_and_an_unknown_name_lists_those_there_are()
    {
        var newer = "/backups/data-20260102T000000.000Z-x.tar.gz";
        var older = "/backups/data-20260101T000000.000Z-x.tar.gz";
        var backups = DataBackup.NewestFirst([older, "/backups/notes.txt", newer]);

        Assert.That(backups, Is.EqualTo(new[] { newer, older }), "newest first, data archives only");
        Assert.That(DataRestore.Choose("/backups", backups, null), Is.EqualTo(newer));
        Assert.That(DataRestore.Choose("/backups", backups, Path.GetFileName(older)), Is.EqualTo(older));
        Assert.That(Assert.Throws<FileNotFoundException>(() => DataRestore.Choose("/backups", backups, "../../etc/passwd"))!.Message,
            Is.EqualTo($"There is no backup ../../etc/passwd in /backups. Fix: give --backup one of: {Path.GetFileName(newer)}, {Path.GetFileName(older)}."));
        Assert.That(Assert.Throws<FileNotFoundException>(() => DataRestore.Choose("/backups", [], "x"))!.Message, Does.EndWith("give --backup one of: (none)."));
        Assert.That(Assert.Throws<FileNotFoundException>(() => DataRestore.Choose("/empty", [], null))!.Message, Does.StartWith("There is no backup in /empty to restore."));
    }

    [Test]
    public void A_backup_is_unpacked_beside_the_data_and_the_data_moved_aside_beside_it_under_names_of_the_time()
    {
        var now = DateTimeOffset.Parse("2026-02-03T04:05:06.007Z");

        Assert.That(DataRestore.Unpacked("/srv/data/", now), Is.EqualTo("/srv/data.restoring-20260203T040506.007Z"));
        Assert.That(DataRestore.Aside("/srv/data", now), Is.EqualTo("/srv/data.before-restore-20260203T040506.007Z"));
        Assert.That(DataBackup.ArchiveName("before-1.2.3", now.UtcDateTime), Is.EqualTo("data-20260203T040506.007Z-before-1.2.3.tar.gz"));
    }
}
