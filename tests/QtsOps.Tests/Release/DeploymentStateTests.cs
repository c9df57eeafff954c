using QtsOps.Release.Deployment;

namespace QtsOps.Tests.Release;

/// <summary>What the core decides of the deploy lock; the lock itself is a host script, tested on both hosts in DeploymentHostContractTests.</summary>
[Category("Core")]
public class DeploymentLockTests
{
    [TestCase("{}")]
    [TestCase("{\"Pid\": \"222\"}")]
    [TestCase("{\"Pid\": 222, \"Host\": null, \"User\": \"u\", \"Since\": \"2026-01-01T00:00:00Z\", \"Target\": \"deploy\"}")]
    [TestCase("{\"Pid\": 222, \"Ho")]
    public void A_damaged_or_half_written_owner_file_names_nobody(string text)
    {
        Assert.That(DeploymentLock.ParseOwner(text, "/locks/local.lock.owner"), Is.Null);
    }

    [Test]
    public void A_lock_held_by_a_ci_run_names_the_run_and_one_held_from_a_shell_names_none()
    {
        var since = DateTimeOffset.Parse("2026-01-02T03:04:05Z");
        var owner = DeploymentLock.ParseOwner(System.Text.Json.JsonSerializer.Serialize(new LockOwner(111, "runner-1", "ci", since, "deploy 1.0.0", "https://github.com/o/r/actions/runs/42")), "/locks/local.lock.owner");

        Assert.That(new DeploymentLockedException("local", "/locks/local.lock", owner).Message, Is.EqualTo(
            "Another deploy to 'local' is running: pid 111 on runner-1 (user ci, deploy 1.0.0, since 2026-01-02 03:04:05Z, https://github.com/o/r/actions/runs/42). " +
            "Wait for it to finish; the lock on /locks/local.lock ends with that process."));
        Assert.That(new LockOwner(111, "host-a", "dev", since, "rollback").ToString(), Is.EqualTo("pid 111 on host-a (user dev, rollback, since 2026-01-02 03:04:05Z)"));
    }

    [Test]
    public void The_lock_s_lines_say_whether_it_is_held_and_by_whom()
    {
        var owner = new LockOwner(111, "host-a", "dev", DateTimeOffset.Parse("2026-01-02T03:04:05Z"), "deploy");
        LockOwner? Parse(string text) => text == "json" ? owner : null;

        Assert.That(LockState.Parse(["lock held", "owner json"], Parse), Is.EqualTo(new LockState(true, owner)));
        Assert.That(LockState.Parse(["lock free", "owner json", "history lock held"], Parse), Is.EqualTo(new LockState(false, owner)), "free, with the name of a holder that ended without releasing");
        Assert.That(LockState.Parse(["lock free"], Parse), Is.EqualTo(new LockState(false, null)));
    }
}

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

[Category("Core")]
public class RestoreReportTests
{
    private static readonly DateTimeOffset CheckedAt = DateTimeOffset.Parse("2026-02-03T04:05:06Z");
    private const string Archive = "data-20260101T000000.000Z-before-1.0.0.tar.gz";

    private static QtsOps.Release.Verification.VerifyReport Verified(params QtsOps.Release.Verification.CheckResult[] checks) =>
        QtsOps.Release.Verification.VerifyReport.Of("verify", "local", "1.0.0", "qts-observer", CheckedAt, checks, "docker-compose.yml");

    [Test]
    public void A_release_that_did_not_start_fails_the_restore_and_says_how_to_go_back_to_the_data_moved_aside()
    {
        var report = new RestoreReport("local", "1.0.0", Archive, "ab12", 3, "/srv/data.before-restore-20260203T040506.000Z", "the container exited (1).", null);

        Assert.That(report.Passed, Is.False);
        Assert.That(report.Findings, Is.EqualTo(new[]
        {
            QtsOps.Release.Reports.Finding.Error("restore/start", null, "the container exited (1).",
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
        var report = new RestoreReport("local", "1.0.0", Archive, "ab12", 3, null, null, Verified(QtsOps.Release.Verification.CheckResult.Pass("running", "running since 04:05")));

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
        var verification = Verified(QtsOps.Release.Verification.CheckResult.Pass("running", "running"), QtsOps.Release.Verification.CheckResult.Fail("health", "HTTP 500", "see the service log"));

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

