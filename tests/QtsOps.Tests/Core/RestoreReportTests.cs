using QtsOps.Core.Deployment;

namespace QtsOps.Tests.Core;

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
