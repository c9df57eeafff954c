using QtsOps.Build.Deployment;
using QtsOps.Core.Deployment;
using QtsOps.Core.Reports;
using QtsOps.Core.Verification;
using QtsOps.Tests.Docker;
using static QtsOps.Tests.Core.DashboardPageTests;

namespace QtsOps.Tests.Docker;

/// <summary>artifacts/dashboard/index.html: --target=dashboard against the real engine, loaded in Debian's chromium.</summary>
[TestFixture, NonParallelizable]
public class DashboardPageTests
{
    [Test, Category("Docker")]
    public async Task The_dashboard_target_shows_every_environment_what_runs_disk_memory_backups_with_ages_the_history_and_an_unreachable_host()
    {
        using var repo = new ObserverRepository("127.0.0.1:1"); // no registry: the dashboard never reaches one
        var history = new ReleaseHistory(Path.Combine(repo.StateDirectory, "history", "local.jsonl"), new LocalDeploymentHost(repo.Root, repo.StateDirectory));
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
        // Two real backups of the data directory, the older one three days old.
        Directory.CreateDirectory(repo.DataDirectory);
        File.WriteAllText(Path.Combine(repo.DataDirectory, "observer.db"), "records");
        var backups = Path.Combine(repo.StateDirectory, "backups", "local");
        var old = new LocalDeploymentHost(repo.Root, repo.StateDirectory).BackUp(repo.DataDirectory, backups, "before-1.3.2", DateTimeOffset.UtcNow.AddDays(-3));
        File.SetLastWriteTimeUtc(old.ArchivePath, DateTime.UtcNow.AddDays(-3).AddMinutes(-1));
        var recent = new LocalDeploymentHost(repo.Root, repo.StateDirectory).BackUp(repo.DataDirectory, backups, "before-1.4.0", DateTimeOffset.UtcNow);

        var run = repo.Run("--target=dashboard");

        Assert.That(run.ExitCode, Is.Zero, run.Output + run.Error);
        await using var browser = await PageBrowser.LaunchAsync();
        var opened = await browser.OpenAsync(Path.Combine(repo.Root, "artifacts", "dashboard", "index.html"), "dashboard");
        var rows = await opened.TextsAsync("#env-local table.history tbody tr");
        var overview = await opened.TextsAsync("table.overview tbody tr");
        var resources = await opened.TextsAsync("#env-local table.resources tbody tr");
        var backupRows = await opened.TextsAsync("#env-local table.backups tbody tr");
        await Assert.MultipleAsync(async () =>
        {
            Assert.That(overview.Select(r => string.Join(" ", r.Split('\t')[..2])), Is.EqualTo(new[] { "local not running", "staging unreachable", "prod unreachable" }),
                "every environment environments.json declares, its state in words");
            Assert.That(await opened.TextsAsync("section.environment h2"), Is.EqualTo(new[] { "local not running", "staging unreachable", "prod unreachable" }));
            Assert.That(await opened.TextsAsync("#env-staging p.unreachable"), Has.One.Contain("staging.qts-observer.internal"), "why the host could not be read");
            Assert.That(rows.Select(r => string.Join(" ", r.Split('\t')[1..3])),
                Is.EqualTo(new[] { "restore succeeded", "rollback succeeded", "verify failed", "deploy succeeded", "verify succeeded", "deploy succeeded" }), "newest first");
            Assert.That(rows[2], Does.Contain("<script>alert(1)</script>"), "a hostile detail reads as text");
            Assert.That(await opened.CountAsync("script"), Is.Zero);
            Assert.That(await opened.TextsAsync("#env-local .last-verify"), Is.EqualTo(new[] { "Last verify failed" }));
            Assert.That(await opened.TextsAsync("#env-local table.checks tbody tr"), Has.Some.Contain("health-endpoint").And.Contain("fail").And.Contain("GET /health -> 500 database is locked"));
            Assert.That(await opened.TextsAsync("#env-local"), Has.One.Contain("deploy lock").And.Contain("free"));
            Assert.That(resources[0], Does.Contain("free disk").And.Contain("ok").And.Contain("MB free for").And.Contain("at least 100 MB (minFreeDiskMb)"), "the disk the host reports against the limit");
            Assert.That(resources[1], Does.Contain("container memory").And.Contain("no container runs").And.Contain("512 MB (memoryLimitMb)"));
            Assert.That(resources[2], Does.Contain("host memory").And.Contain("ok").And.Contain("at least 512 MB (minMemoryMb)"));
            Assert.That(backupRows, Has.Length.EqualTo(2));
            Assert.That(backupRows[0], Does.Contain(Path.GetFileName(recent.ArchivePath)).And.Contain(" s").And.Contain("recorded"), "the newest backup first, seconds old");
            Assert.That(backupRows[1], Does.Contain(Path.GetFileName(old.ArchivePath)).And.Contain("3 d"), "its age in words");
            Assert.That(opened.Requests, Is.Empty, "the page asks for nothing");
        });
        var phone = await browser.OpenAsync(Path.Combine(repo.Root, "artifacts", "dashboard", "index.html"), "dashboard-phone", 375);
        Assert.That(await phone.ScrollWidthAsync(), Is.LessThanOrEqualTo(375));

        var one = repo.Run("--target=dashboard", "--env=local");

        Assert.That(one.ExitCode, Is.Zero, one.Output + one.Error);
        var local = await browser.OpenAsync(Path.Combine(repo.Root, "artifacts", "dashboard", "index.html"), "dashboard-env-local");
        Assert.That(await local.TextsAsync("section.environment h2"), Is.EqualTo(new[] { "local not running" }), "--env names the one environment to show");
    }

    [Test, Category("Docker")]
    public async Task After_a_deploy_the_dashboard_shows_the_serving_container_s_memory_against_its_limit()
    {
        using var repo = new ObserverRepository("127.0.0.1:1");
        try
        {
            var deploy = repo.Run("--target=deploy");
            Assert.That(deploy.ExitCode, Is.Zero, deploy.Output + deploy.Error);

            var run = repo.Run("--target=dashboard", "--env=local");

            Assert.That(run.ExitCode, Is.Zero, run.Output + run.Error);
            await using var browser = await PageBrowser.LaunchAsync();
            var opened = await browser.OpenAsync(Path.Combine(repo.Root, "artifacts", "dashboard", "index.html"), "dashboard-deployed");
            var resources = await opened.TextsAsync("#env-local table.resources tbody tr");
            var overview = await opened.TextsAsync("table.overview tbody tr");
            await Assert.MultipleAsync(async () =>
            {
                Assert.That(overview, Has.Length.EqualTo(1), "--env: the one environment");
                Assert.That(overview[0], Does.Contain("local").And.Contain("healthy").And.Contain("% of 512 MB"));
                Assert.That(resources[1], Does.Match(@"container memory\s+ok [0-9]+ % of 512 MB\s+[0-9.]+ MB used \([0-9]+ %\)\s+512 MB \(memoryLimitMb\)"), "docker stats of the serving container against memoryLimitMb");
                Assert.That(await opened.TextsAsync("#env-local"), Has.One.Contain("None yet: each deploy makes one."), "a first deploy has no data to back up yet");
                Assert.That(await opened.TextsAsync("#env-local table.history tbody tr"), Has.Some.Contain("deploy").And.Contain("succeeded"));
                Assert.That(opened.Requests, Is.Empty);
            });
        }
        finally
        {
            repo.RemoveFromEngine();
        }
    }
}
