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
}
