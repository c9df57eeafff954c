using QtsOps.Core.Deployment;

namespace QtsOps.Tests.Core;

/// <summary>What --to and --backup can name, listed from the store, the history and the backup folder.</summary>
[Category("Core")]
public class ReleaseListingTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 1, 8, 0, 0, TimeSpan.Zero);

    private static HistoryEntry Entry(HistoryAction action, string release, int minutes, HistoryResult result = HistoryResult.Succeeded) => new()
    {
        Action = action, Result = result, Version = release.Replace('_', '+'), Release = release, StartedAt = At.AddMinutes(minutes), FinishedAt = At.AddMinutes(minutes),
    };

    [Test]
    public void Releases_are_listed_newest_install_first_with_their_version_whether_they_verified_and_which_is_current()
    {
        var history = new[]
        {
            Entry(HistoryAction.Deploy, "1.0.0", 0), Entry(HistoryAction.Verify, "1.0.0", 1),
            Entry(HistoryAction.Deploy, "1.1.0_dirty.abc", 10), Entry(HistoryAction.Verify, "1.1.0_dirty.abc", 11, HistoryResult.Failed),
        };
        var folders = new[] { ("1.0.0", At.UtcDateTime), ("1.1.0_dirty.abc", At.UtcDateTime), ("0.9.0", At.AddMinutes(-60).UtcDateTime), (".1.2.0.partial", At.UtcDateTime) };

        var releases = ReleaseListing.ReleasesOf(folders, current: "1.0.0", history);

        Assert.That(releases, Is.EqualTo(new[]
        {
            new InstalledRelease("1.1.0_dirty.abc", "1.1.0+dirty.abc", At.AddMinutes(10), null, false),
            new InstalledRelease("1.0.0", "1.0.0", At, At.AddMinutes(1), true),
            new InstalledRelease("0.9.0", "0.9.0", At.AddMinutes(-60), null, false),
        }), "a half-copied release is no release; one without history is dated by its folder");
        var markdown = new ReleaseListing("local", releases, [], null).ToMarkdown();
        Assert.That(markdown, Does.Contain("| 1.0.0 | 1.0.0 | 2026-12-01 08:00:00Z | yes, 2026-12-01 08:01:00Z | current |\n")
            .And.Contain("| 1.1.0_dirty.abc | 1.1.0+dirty.abc | 2026-12-01 08:10:00Z | never |  |\n").And.Contain("None yet: each deploy makes one."));
    }

    [Test]
    public void Backups_are_listed_newest_first_with_size_time_and_the_digest_their_sha256_file_records()
    {
        using var dir = new TempDirectory();
        dir.Write("data-20261201T080000Z-before-1.0.0.tar.gz", new string('x', 2048));
        dir.Write("data-20261201T080000Z-before-1.0.0.tar.gz.sha256", "abc123  data-20261201T080000Z-before-1.0.0.tar.gz\n");
        dir.Write("data-20261202T080000Z-before-1.1.0.tar.gz", "y");
        dir.Write("notes.txt", "not a backup");

        var backups = ReleaseListing.BackupsIn(dir.Path);

        Assert.That(backups.Select(b => (b.Name, b.Bytes, b.Sha256)), Is.EqualTo(new[]
        {
            ("data-20261202T080000Z-before-1.1.0.tar.gz", 1L, (string?)null), ("data-20261201T080000Z-before-1.0.0.tar.gz", 2048L, "abc123"),
        }));
        var markdown = new ReleaseListing("local", [], backups, null).ToMarkdown();
        Assert.That(markdown, Does.Contain("None installed yet.").And.Contain("| data-20261201T080000Z-before-1.0.0.tar.gz | 2 KB | ").And.Contain(" | abc123 |")
            .And.Contain("| no .sha256 file: restore refuses it |"));
        Assert.That(new ReleaseListing("staging", [], [], "on the host").ToMarkdown(), Does.EndWith("## Data backups (for --backup), newest first\n\non the host\n"));
    }

    [Test]
    public void A_release_s_version_is_its_successful_deploy_s_else_any_entry_s_else_its_name()
    {
        var history = new[]
        {
            Entry(HistoryAction.Deploy, "2.0.0", 0) with { Version = "2.0.0+deployed" }, Entry(HistoryAction.Verify, "2.0.0", 1) with { Version = "2.0.0+verified" },
            Entry(HistoryAction.Deploy, "1.0.0", -5, HistoryResult.Failed) with { Version = "1.0.0+failed" },
        };

        var releases = ReleaseListing.ReleasesOf([("2.0.0", At.UtcDateTime), ("1.0.0", At.AddMinutes(-10).UtcDateTime), ("0.9.0", At.AddMinutes(-20).UtcDateTime)], null, history);

        Assert.That(releases.Select(r => (r.Release, r.Version)), Is.EqualTo(new[] { ("2.0.0", "2.0.0+deployed"), ("1.0.0", "1.0.0+failed"), ("0.9.0", "0.9.0") }));
    }

    [Test]
    public void The_listing_is_a_table_of_releases_then_a_table_of_backups()
    {
        var release = new InstalledRelease("1.0.0", "1.0.0", At, null, true);
        var backup = new BackupListed("data-1.tar.gz", 3 * 1024 * 1024, At, "abc");

        Assert.That(new ReleaseListing("local", [release], [backup], null).ToMarkdown(), Is.EqualTo(
            "# releases: local\n\n## Installed releases (for --to)\n\n" +
            "| release | version | installed | verified | |\n|---|---|---|---|---|\n" +
            "| 1.0.0 | 1.0.0 | 2026-12-01 08:00:00Z | never | current |\n" +
            "\n## Data backups (for --backup), newest first\n\n" +
            "| backup | size | written | SHA-256 |\n|---|---|---|---|\n" +
            "| data-1.tar.gz | 3 MB | 2026-12-01 08:00:00Z | abc |\n"));
    }

    [TestCase(0, "0 KB")]
    [TestCase(1000, "1 KB")]
    [TestCase(1536, "1.5 KB")]
    [TestCase(1024 * 1024 - 1, "1024 KB")]
    [TestCase(1024 * 1024, "1 MB")]
    [TestCase(1024 * 1024 + 1, "1 MB")]
    [TestCase(5 * 1024 * 1024 + 300 * 1024, "5.3 MB")]
    public void A_size_is_in_KB_below_a_megabyte_and_in_MB_from_one_with_one_decimal_at_most(long bytes, string said)
    {
        Assert.That(ReleaseListing.Size(bytes), Is.EqualTo(said));
    }
}
