using System.Text;
using QtsOps.Release.Deployment;
using QtsOps.Release.Pages;
using QtsOps.Release.Reports;
using QtsOps.Release.Verification;
using QtsOps.Tests.Docker;

namespace QtsOps.Tests.Pages;

/// <summary>artifacts/dashboard/index.html: --target=dashboard against the real engine, loaded in Debian's chromium.</summary>
[TestFixture, NonParallelizable]
public class DashboardPageTests
{
    private static readonly DateTimeOffset Start = DateTimeOffset.Parse("2026-12-01T09:00:00Z");

    [Test, Category("Docker")]
    public async Task The_dashboard_target_shows_what_runs_the_history_newest_first_and_the_last_verify_s_failed_check()
    {
        using var repo = new ObserverRepository("127.0.0.1:1"); // no registry: the dashboard never reaches one
        var history = new ReleaseHistory(Path.Combine(repo.StateDirectory, "history", "local.jsonl"), warning => Assert.Fail(warning));
        HistoryEntry[] entries =
        [
            Entry(0, HistoryAction.Deploy, HistoryResult.Succeeded, "1.3.2", null),
            Entry(1, HistoryAction.Verify, HistoryResult.Succeeded, "1.3.2", null),
            Entry(2, HistoryAction.Deploy, HistoryResult.Succeeded, "1.4.0", null),
            Entry(3, HistoryAction.Verify, HistoryResult.Failed, "1.4.0", "health-endpoint: GET /health -> 500 <script>alert(1)</script>"),
            Entry(4, HistoryAction.Rollback, HistoryResult.Succeeded, "1.3.2", "after 1.4.0 failed verification"),
            Entry(5, HistoryAction.Restore, HistoryResult.Succeeded, "1.3.2", "data-20261201T091000Z.tar.gz"),
        ];
        foreach (var entry in entries) history.Append(entry);
        var verify = VerifyReport.Of("verify", "local", "1.4.0", repo.Container, Start.AddMinutes(3),
            [new CheckResult("running", true, "running since 09:02:00Z", null), new CheckResult("health-endpoint", false, "GET /health -> 500 database is locked", "docker logs")],
            "src/observer/docker-compose.yml");
        ReportWriter.Write(Path.Combine(repo.Root, "artifacts", "reports"), "verify", "failed", verify, verify.ToMarkdown(), verify.Findings);

        var run = repo.Run("--target=dashboard");

        Assert.That(run.ExitCode, Is.Zero, run.Output + run.Error);
        await using var browser = await PageBrowser.LaunchAsync();
        var opened = await browser.OpenAsync(Path.Combine(repo.Root, "artifacts", "dashboard", "index.html"), "dashboard");
        var rows = await opened.TextsAsync("table.history tbody tr");
        await Assert.MultipleAsync(async () =>
        {
            Assert.That(await opened.TextsAsync("h1"), Is.EqualTo(new[] { "QtsOps dashboard: local not running" }), "nothing runs: said in words");
            Assert.That(rows.Select(r => string.Join(" ", r.Split('\t')[1..3])),
                Is.EqualTo(new[] { "restore succeeded", "rollback succeeded", "verify failed", "deploy succeeded", "verify succeeded", "deploy succeeded" }), "newest first");
            Assert.That(rows[2], Does.Contain("<script>alert(1)</script>"), "a hostile detail reads as text");
            Assert.That(await opened.CountAsync("script"), Is.Zero);
            Assert.That(await opened.TextsAsync("#last-verify"), Is.EqualTo(new[] { "Last verify failed" }));
            Assert.That(await opened.TextsAsync("table.checks tbody tr"), Has.Some.Contain("health-endpoint").And.Contain("fail").And.Contain("GET /health -> 500 database is locked"));
            Assert.That(await opened.VisibleTextAsync(), Does.Contain("deploy lock").And.Contain("free"));
            Assert.That(opened.Requests, Is.Empty, "the page asks for nothing");
        });
        var phone = await browser.OpenAsync(Path.Combine(repo.Root, "artifacts", "dashboard", "index.html"), "dashboard-phone", 390);
        Assert.That(await phone.ScrollWidthAsync(), Is.LessThanOrEqualTo(390));
    }

    [Test, Category("Core")]
    public void A_dashboard_of_the_whole_1000_entry_history_stays_under_500_KB()
    {
        var detail = new string('x', 120);
        var entries = Enumerable.Range(0, DashboardPage.HistoryEntries)
            .Select(i => Entry(i, (HistoryAction)(i % 4), i % 7 == 0 ? HistoryResult.Failed : HistoryResult.Succeeded, $"1.{i / 100}.{i % 100}", detail)).ToList();
        var owner = new DeploymentOwner("prod", "/srv/qts/.qtsops/deploy/prod", "1.9.99", "1.9.99");
        var status = new DeploymentStatus("prod", "ssh://deploy@prod", "1.9.99",
            new RunningContainer("qts-observer-a", "running", "healthy", Start, 0, "sha256:" + new string('a', 64), "registry/qts@sha256:" + new string('b', 64), owner, true),
            entries[^1], new LockState(false, null), entries);

        var html = DashboardPage.Render(status, null, Start, text => text);

        Assert.That(html, Does.Contain("History (newest first, 1000 entries)"));
        Assert.That(Encoding.UTF8.GetByteCount(html), Is.LessThan(500 * 1024));
    }

    private static HistoryEntry Entry(int minute, HistoryAction action, HistoryResult result, string release, string? detail) => new()
    {
        Action = action, Result = result, Version = release, Release = release,
        StartedAt = Start.AddMinutes(minute), FinishedAt = Start.AddMinutes(minute).AddSeconds(20), Detail = detail,
    };
}
