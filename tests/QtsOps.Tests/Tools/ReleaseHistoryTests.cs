using QtsOps.Core.Deployment;
using QtsOps.Core.Verification;

namespace QtsOps.Tests.Tools;

[Category("Core")]
public class ReleaseHistoryTests
{
    /// <summary>This machine, through the host scripts every deploy writes its history with.</summary>
    private static readonly QtsOps.Core.Deployment.IHostFileSystem Files = new QtsOps.Build.Deployment.LocalDeploymentHost("/", "/");

    [Test]
    public void The_last_verified_release_other_than_the_failed_one_is_found()
    {
        using var dir = new TempDirectory();
        var history = new QtsOps.Core.Deployment.ReleaseHistory(dir.Combine("history", "local.jsonl"), Files);
        void Add(QtsOps.Core.Deployment.HistoryAction action, QtsOps.Core.Deployment.HistoryResult result, string release) =>
            history.Append(new QtsOps.Core.Deployment.HistoryEntry { Action = action, Result = result, Version = release, Release = release, StartedAt = DateTimeOffset.UtcNow, FinishedAt = DateTimeOffset.UtcNow });
        Add(QtsOps.Core.Deployment.HistoryAction.Verify, QtsOps.Core.Deployment.HistoryResult.Succeeded, "1.0.0");
        Add(QtsOps.Core.Deployment.HistoryAction.Verify, QtsOps.Core.Deployment.HistoryResult.Succeeded, "1.0.1");
        Add(QtsOps.Core.Deployment.HistoryAction.Verify, QtsOps.Core.Deployment.HistoryResult.Failed, "1.0.2");

        Assert.That(Support.HistoryFile.Entries(history.Path).LastVerified(except: "1.0.2")?.Release, Is.EqualTo("1.0.1"));
        Assert.That(Support.HistoryFile.Entries(history.Path).LastVerified(except: "1.0.1")?.Release, Is.EqualTo("1.0.0"));
        Assert.That(Support.HistoryFile.Entries(history.Path).VersionOf("1.0.0"), Is.Null, "verified, but no deploy of it is recorded");
        Assert.That(File.ReadAllLines(history.Path)[0], Does.Contain("\"action\":\"verify\",\"result\":\"succeeded\""));
    }

    [Test]
    public void An_entry_of_a_run_on_some_hosts_keeps_which_hosts_of_which_through_the_file()
    {
        using var dir = new TempDirectory();
        var history = new QtsOps.Core.Deployment.ReleaseHistory(dir.Combine("fleet.jsonl"), Files);
        var subset = new QtsOps.Core.Fleet.HostSubset(["east"], ["east", "west", "north"]);

        history.Append(new QtsOps.Core.Deployment.HistoryEntry { Action = QtsOps.Core.Deployment.HistoryAction.Deploy, Result = QtsOps.Core.Deployment.HistoryResult.Succeeded,
            Version = "1.0.0", Release = "1.0.0", StartedAt = DateTimeOffset.UtcNow, FinishedAt = DateTimeOffset.UtcNow, Hosts = subset });
        history.Append(new QtsOps.Core.Deployment.HistoryEntry { Action = QtsOps.Core.Deployment.HistoryAction.Verify, Result = QtsOps.Core.Deployment.HistoryResult.Succeeded,
            Version = "1.0.0", Release = "1.0.0", StartedAt = DateTimeOffset.UtcNow, FinishedAt = DateTimeOffset.UtcNow });

        var entries = Support.HistoryFile.Entries(history.Path);
        Assert.That(entries[0].Hosts, Is.EqualTo(subset));
        Assert.That(entries[1].Hosts, Is.Null, "a run on every host writes none");
        Assert.That(File.ReadAllLines(history.Path)[0], Does.Contain("\"hosts\":{\"ran\":[\"east\"],\"all\":[\"east\",\"west\",\"north\"]}").And.Not.Contain("\"note\""));
    }

    [Test]
    public void Only_a_successful_last_deploy_or_rollback_of_that_release_in_that_container_counts_as_deployed()
    {
        using var dir = new TempDirectory();
        var history = new QtsOps.Core.Deployment.ReleaseHistory(dir.Combine("local.jsonl"), Files);
        void Add(QtsOps.Core.Deployment.HistoryAction action, QtsOps.Core.Deployment.HistoryResult result, string release, string? container) =>
            history.Append(new QtsOps.Core.Deployment.HistoryEntry { Action = action, Result = result, Version = release, Release = release, ContainerId = container, StartedAt = DateTimeOffset.UtcNow, FinishedAt = DateTimeOffset.UtcNow });

        Add(QtsOps.Core.Deployment.HistoryAction.Deploy, QtsOps.Core.Deployment.HistoryResult.Succeeded, "1.0.0", "c1");
        Add(QtsOps.Core.Deployment.HistoryAction.Verify, QtsOps.Core.Deployment.HistoryResult.Succeeded, "1.0.0", "c1");
        Assert.That(Support.HistoryFile.Entries(history.Path).SuccessfulStartIn("1.0.0", "c1"), Is.Not.Null, "a verification changes nothing that runs");
        Assert.That(Support.HistoryFile.Entries(history.Path).SuccessfulStartIn("1.0.0", "c2"), Is.Null, "another container");

        Add(QtsOps.Core.Deployment.HistoryAction.Deploy, QtsOps.Core.Deployment.HistoryResult.Interrupted, "1.0.1", null);
        Assert.That(Support.HistoryFile.Entries(history.Path).SuccessfulStartIn("1.0.1", "c3"), Is.Null, "an interrupted deploy left it");
        Assert.That(Support.HistoryFile.Entries(history.Path).SuccessfulStartIn("1.0.0", "c1"), Is.Null, "the interrupted deploy came after it");

        Add(QtsOps.Core.Deployment.HistoryAction.Rollback, QtsOps.Core.Deployment.HistoryResult.Succeeded, "1.0.0", "c4");
        Assert.That(Support.HistoryFile.Entries(history.Path).SuccessfulStartIn("1.0.0", "c4"), Is.Not.Null);
        Assert.That(Support.HistoryFile.Entries(history.Path).VersionOf("1.0.1"), Is.EqualTo("1.0.1"));
        Assert.That(File.ReadAllLines(history.Path)[2], Does.Contain("\"result\":\"interrupted\""));
    }

    private static QtsOps.Core.Deployment.HistoryEntry Entry(string release) => new()
    {
        Action = QtsOps.Core.Deployment.HistoryAction.Verify, Result = QtsOps.Core.Deployment.HistoryResult.Succeeded,
        Version = release, Release = release, StartedAt = DateTimeOffset.UtcNow, FinishedAt = DateTimeOffset.UtcNow,
    };

    /// <summary>A history of 1.0.0, then <paramref name="damage"/> written as is, then 1.0.1; warnings go to the list.</summary>
    private static QtsOps.Core.Deployment.ReleaseHistory DamagedHistory(TempDirectory dir, string damage, List<string> warnings)
    {
        var history = new QtsOps.Core.Deployment.ReleaseHistory(dir.Combine("local.jsonl"), Files);
        history.Append(Entry("1.0.0"));
        File.AppendAllText(history.Path, damage);
        history.Append(Entry("1.0.1"));
        return history;
    }

    [Test]
    public void A_damaged_line_is_read_past_with_a_warning_naming_the_file_and_line()
    {
        using var dir = new TempDirectory();
        var warnings = new List<string>();
        var history = DamagedHistory(dir, "not json\nnull\n{\"action\":\"verify\"}\n", warnings);

        Assert.That(Support.HistoryFile.Entries(history, Files, warnings.Add).Select(e => e.Release), Is.EqualTo(new[] { "1.0.0", "1.0.1" }));
        Assert.That(Support.HistoryFile.Entries(history, Files, warnings.Add).LastVerified()?.Release, Is.EqualTo("1.0.1"));
        Assert.That(warnings, Has.Count.EqualTo(6)); // three bad lines, read twice
        Assert.That(warnings.Take(3).Select(w => w[..w.IndexOf(": skipped", StringComparison.Ordinal)]),
            Is.EqualTo(new[] { $"{history.Path}:2", $"{history.Path}:3", $"{history.Path}:4" }));
        Assert.That(warnings, Has.All.Contain("Fix: correct or remove that line"));
    }

    [Test]
    public void The_lines_a_state_read_gives_of_a_long_history_are_named_by_their_number_in_the_file()
    {
        const string verified = "{\"action\":\"verify\",\"result\":\"succeeded\",\"version\":\"1.0.0\",\"release\":\"1.0.0\",\"startedAt\":\"2026-01-01T00:00:00Z\",\"finishedAt\":\"2026-01-01T00:00:00Z\"}";
        var warnings = new List<string>();

        var entries = QtsOps.Core.Deployment.ReleaseHistory.Parse(
            [new(7, verified), new(30_001, "{\"action\":\"dep"), new(30_002, ""), new(30_003, verified.Replace("1.0.0", "1.0.1"))], "staging.jsonl", warnings.Add);

        Assert.That(entries.Select(e => e.Release), Is.EqualTo(new[] { "1.0.0", "1.0.1" }));
        Assert.That(warnings.Single(), Does.StartWith("staging.jsonl:30001: skipped, not a history entry"), "the line of the file, not of the read");
    }

    [Test]
    public void A_line_with_a_null_where_a_value_belongs_is_read_past_like_a_torn_one()
    {
        using var dir = new TempDirectory();
        var warnings = new List<string>();
        var damage = System.Text.Json.JsonSerializer.Serialize(Entry("1.0.5"), new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web))
            .Replace("\"release\":\"1.0.5\"", "\"release\":null") + "\n";
        Assume.That(damage, Does.Contain("\"release\":null"));

        var history = DamagedHistory(dir, damage, warnings);

        Assert.That(Support.HistoryFile.Entries(history, Files, warnings.Add).Select(e => e.Release), Is.EqualTo(new[] { "1.0.0", "1.0.1" }), "no entry with a null release");
        Assert.That(warnings.Single(), Does.StartWith($"{history.Path}:2: skipped"));
    }

    [Test]
    public void An_entry_after_a_torn_last_line_starts_a_line_of_its_own()
    {
        using var dir = new TempDirectory();
        var warnings = new List<string>();

        var history = DamagedHistory(dir, "{\"action\":\"dep", warnings); // the disk filled up in the middle of a write

        Assert.That(Support.HistoryFile.Entries(history, Files, warnings.Add).Select(e => e.Release), Is.EqualTo(new[] { "1.0.0", "1.0.1" }));
        Assert.That(warnings.Single(), Does.StartWith($"{history.Path}:2: skipped"));
    }

    [Test]
    public void A_write_to_a_full_disk_is_returned_as_the_problem_never_thrown()
    {
        // /dev/full fails every write with ENOSPC, as a full disk does.
        var history = new QtsOps.Core.Deployment.ReleaseHistory("/dev/full", Files);

        var problem = history.TryAppend(Entry("1.0.0"));

        Assert.That(problem, Does.Contain("the verify of 1.0.0 (succeeded) could not be recorded in /dev/full").And.Contain("Fix: free disk space"));
    }

    [Test]
    public void A_write_that_succeeds_returns_no_problem_and_is_in_the_history()
    {
        using var dir = new TempDirectory();
        var history = new QtsOps.Core.Deployment.ReleaseHistory(dir.Combine("local.jsonl"), Files);

        var problem = history.TryAppend(Entry("1.0.0"));

        Assert.That(problem, Is.Null);
        Assert.That(Support.HistoryFile.Entries(history.Path).Select(e => e.Release), Is.EqualTo(new[] { "1.0.0" }));
    }

    [Test]
    public void The_environment_is_taken_down_until_a_change_starts_it_again()
    {
        var down = Entry(QtsOps.Core.Deployment.HistoryAction.Down, Succeeded, "1.0.0");

        Assert.That(new[] { Entry(Deploy, Succeeded, "1.0.0"), down, Entry(Verify, Failed, "1.0.0") }.TakenDown(), Is.EqualTo(down), "a verification changes nothing");
        Assert.That(new[] { down, Entry(Rollback, Succeeded, "0.9.0") }.TakenDown(), Is.Null);
        Assert.That(new[] { Entry(Deploy, Succeeded, "1.0.0"), Entry(QtsOps.Core.Deployment.HistoryAction.Down, Failed, "1.0.0") }.TakenDown(), Is.Null, "a down that failed took nothing down");
        Assert.That(Array.Empty<QtsOps.Core.Deployment.HistoryEntry>().TakenDown(), Is.Null);
    }

    private static QtsOps.Core.Deployment.HistoryEntry Entry(QtsOps.Core.Deployment.HistoryAction action, QtsOps.Core.Deployment.HistoryResult result, string release) =>
        Entry(release) with { Action = action, Result = result };

    private const QtsOps.Core.Deployment.HistoryAction Deploy = QtsOps.Core.Deployment.HistoryAction.Deploy;
    private const QtsOps.Core.Deployment.HistoryAction Verify = QtsOps.Core.Deployment.HistoryAction.Verify;
    private const QtsOps.Core.Deployment.HistoryAction Rollback = QtsOps.Core.Deployment.HistoryAction.Rollback;
    private const QtsOps.Core.Deployment.HistoryAction Restore = QtsOps.Core.Deployment.HistoryAction.Restore;
    private const QtsOps.Core.Deployment.HistoryResult Succeeded = QtsOps.Core.Deployment.HistoryResult.Succeeded;
    private const QtsOps.Core.Deployment.HistoryResult Failed = QtsOps.Core.Deployment.HistoryResult.Failed;

    /// <summary>Whether 1.0.0 passed verification since it was last put in place, after <paramref name="entries"/> (action, result, release).</summary>
    private static bool VerifiedSinceInstalled(params (QtsOps.Core.Deployment.HistoryAction Action, QtsOps.Core.Deployment.HistoryResult Result, string Release)[] entries)
    {
        using var dir = new TempDirectory();
        var history = new QtsOps.Core.Deployment.ReleaseHistory(dir.Combine("local.jsonl"), Files);
        foreach (var (action, result, release) in entries) history.Append(Entry(action, result, release));
        return Support.HistoryFile.Entries(history.Path).VerifiedSinceInstalled("1.0.0");
    }

    [Test]
    public void A_release_deployed_then_verified_counts_as_verified_since_installed() =>
        Assert.That(VerifiedSinceInstalled((Deploy, Succeeded, "1.0.0"), (Verify, Succeeded, "1.0.0")), Is.True);

    [Test]
    public void A_release_rolled_back_to_then_verified_counts_as_verified_even_after_a_later_release_was_deployed_and_verified() =>
        Assert.That(VerifiedSinceInstalled((Deploy, Succeeded, "0.9.0"), (Rollback, Succeeded, "1.0.0"), (Verify, Failed, "1.0.0"), (Verify, Succeeded, "1.0.0"), (Deploy, Succeeded, "1.1.0"), (Verify, Succeeded, "1.1.0")), Is.True);

    [Test]
    public void A_release_deployed_and_not_yet_verified_is_not_verified() =>
        Assert.That(VerifiedSinceInstalled((Deploy, Succeeded, "1.0.0")), Is.False);

    [Test]
    public void A_verification_from_before_the_release_was_put_in_place_again_does_not_count()
    {
        Assert.That(VerifiedSinceInstalled((Deploy, Succeeded, "1.0.0"), (Verify, Succeeded, "1.0.0"), (Deploy, Succeeded, "1.0.0")), Is.False, "deployed again");
        Assert.That(VerifiedSinceInstalled((Deploy, Succeeded, "1.0.0"), (Verify, Succeeded, "1.0.0"), (Deploy, Succeeded, "1.1.0"), (Rollback, Succeeded, "1.0.0")), Is.False, "rolled back to");
    }

    [Test]
    public void A_failed_verification_or_one_of_another_release_does_not_count() =>
        Assert.That(VerifiedSinceInstalled((Deploy, Succeeded, "1.0.0"), (Verify, Failed, "1.0.0"), (Verify, Succeeded, "1.1.0"), (Restore, Succeeded, "1.0.0")), Is.False);

    [Test]
    public void A_verification_without_a_recorded_install_does_not_count() =>
        Assert.That(VerifiedSinceInstalled((Verify, Succeeded, "1.0.0"), (Deploy, Failed, "1.0.0"), (Verify, Succeeded, "1.0.0")), Is.False);

    [Test]
    public void The_newest_entries_are_the_last_ones_written_oldest_first()
    {
        using var dir = new TempDirectory();
        var history = new QtsOps.Core.Deployment.ReleaseHistory(dir.Combine("local.jsonl"), Files);
        foreach (var release in new[] { "1.0.0", "1.0.1", "1.0.2" }) history.Append(Entry(release));

        Assert.That(Support.HistoryFile.Entries(history.Path).Newest(2).Select(e => e.Release), Is.EqualTo(new[] { "1.0.1", "1.0.2" }));
        Assert.That(Support.HistoryFile.Entries(history.Path).Newest(5).Select(e => e.Release), Is.EqualTo(new[] { "1.0.0", "1.0.1", "1.0.2" }));
        Assert.That(Support.HistoryFile.Entries(dir.Combine("none.jsonl")).Newest(2), Is.Empty, "no history yet");
    }

    [Test]
    public void A_null_line_is_skipped_with_a_warning_that_says_it_is_no_entry()
    {
        using var dir = new TempDirectory();
        var warnings = new List<string>();

        var history = DamagedHistory(dir, "null\n", warnings);

        Assert.That(Support.HistoryFile.Entries(history, Files, warnings.Add).Select(e => e.Release), Is.EqualTo(new[] { "1.0.0", "1.0.1" }));
        Assert.That(warnings.Single(), Is.EqualTo($"{history.Path}:2: skipped, not a history entry (null is no entry). The history is read without it. Fix: correct or remove that line."));
    }
}
