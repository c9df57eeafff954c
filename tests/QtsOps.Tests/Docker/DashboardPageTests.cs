using System.Text;
using QtsOps.Build.Deployment;
using QtsOps.Core.Deployment;
using QtsOps.Core.Pages;
using QtsOps.Core.Reports;
using QtsOps.Core.Verification;
using QtsOps.Tests.Docker;

namespace QtsOps.Tests.Docker;

/// <summary>artifacts/dashboard/index.html: --target=dashboard against the real engine, loaded in Debian's chromium.</summary>
[TestFixture, NonParallelizable]
public class DashboardPageTests
{
    private static readonly DateTimeOffset Start = DateTimeOffset.Parse("2026-12-01T09:00:00Z");

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

    [Test, Category("Core")]
    public void A_dashboard_of_the_whole_1000_entry_history_and_two_unreachable_hosts_stays_under_500_KB()
    {
        var detail = new string('x', 120);
        var entries = Enumerable.Range(0, DashboardPage.HistoryEntries)
            .Select(i => Entry(i, (HistoryAction)(i % 4), i % 7 == 0 ? HistoryResult.Failed : HistoryResult.Succeeded, $"1.{i / 100}.{i % 100}", detail)).ToList();
        var owner = new DeploymentOwner("prod", "/srv/qts/.qtsops/deploy/prod", "1.9.99", "1.9.99");
        var status = new DeploymentStatus("prod", "ssh://deploy@prod", "1.9.99",
            new RunningContainer("qts-observer-a", "running", "healthy", Start, 0, "sha256:" + new string('a', 64), "registry/qts@sha256:" + new string('b', 64), owner, true),
            entries[^1], new LockState(false, null), entries);
        var resources = new HostResources("/srv/qts", 5L << 30, 4096, 8L << 30, 1024, 200L << 20, 512);
        var backups = Enumerable.Range(0, 30).Select(i => new BackupListed($"data-{i}.tar.gz", 1 << 20, Start.AddDays(-i), new string('c', 64))).ToList();

        var html = DashboardPage.Render(
            [new EnvironmentDashboard("prod", status, resources, backups, null, null), EnvironmentDashboard.Failed("staging", "no route"), EnvironmentDashboard.Failed("local", "no engine")],
            null, Start, text => text);

        Assert.That(html, Does.Contain("History (newest first, 1000 entries)"));
        Assert.That(Encoding.UTF8.GetByteCount(html), Is.LessThan(500 * 1024));
    }

    [Test, Category("Core")]
    public void Disk_below_its_minimum_and_a_container_near_its_memory_limit_read_low_and_high_in_words()
    {
        var resources = new HostResources("/srv/qts", 900L << 20, 1024, 8L << 30, 1024, 470L << 20, 512);
        var status = new DeploymentStatus("staging", "ssh://deploy@staging", "1.0.0", null, null, new LockState(false, null), []);

        var html = DashboardPage.Render([new EnvironmentDashboard("staging", status, resources, [], null, null)], null, Start, text => text);

        Assert.That(html, Does.Contain("<span class=\"badge bad\">low</span> 900 MB free"));
        Assert.That(html, Does.Contain("<span class=\"badge bad\">high</span> 92 % of 512 MB"));
        Assert.That(html, Does.Contain("at least 1024 MB (minFreeDiskMb)"));
    }

    [Test, Category("Core")]
    public void An_environment_on_a_swarm_shows_what_status_shows_of_it_and_its_backups_are_on_its_nodes()
    {
        var swarm = EnvironmentDashboard.OnSwarm("prod", ["qts_observer: 2/2 replicas running 1.4.0", "task <1> on node-a"]);

        var html = DashboardPage.Render([swarm], null, Start, text => text);

        Assert.That(swarm.Health, Is.EqualTo("swarm"));
        Assert.That(swarm.Summary, Is.EqualTo("'prod' (swarm): qts_observer: 2/2 replicas running 1.4.0"));
        Assert.That(html, Does.Contain("<td data-label=\"newest backup\">on its host</td></tr>"));
        Assert.That(html, Does.Contain("<section id=\"env-prod\" class=\"environment\">\n<h2>prod <span class=\"badge neutral\">swarm</span></h2>\n" +
                                       "<pre class=\"swarm\">qts_observer: 2/2 replicas running 1.4.0\ntask &lt;1&gt; on node-a</pre>\n</section>\n"));
    }

    [Test, Category("Core")]
    public void An_environment_on_a_swarm_status_read_nothing_of_says_it_was_unreachable()
    {
        Assert.That(EnvironmentDashboard.OnSwarm("prod", []).Summary, Is.EqualTo("'prod': unreachable: "));
        Assert.That(EnvironmentDashboard.Failed("staging", "no route to host").Summary, Is.EqualTo("'staging': unreachable: no route to host"));
        Assert.That(EnvironmentDashboard.Failed("staging", "no route to host").Health, Is.EqualTo("unreachable"));
    }

    [Test, Category("Core")]
    public void A_container_without_a_health_check_reads_its_state()
    {
        var owner = new DeploymentOwner("prod", "/srv/qts/.qtsops/deploy/prod", "1.4.0", "1.4.0");
        var container = new RunningContainer("qts-observer-a", "restarting", null, Start, 3, "sha256:" + new string('a', 64), null, owner, true);
        var status = new DeploymentStatus("prod", "ssh://deploy@prod", "1.4.0", container, null, new LockState(false, null), []);

        Assert.That(new EnvironmentDashboard("prod", status, null, [], null, null).Health, Is.EqualTo("restarting"));
        Assert.That(new EnvironmentDashboard("prod", status with { Container = container with { Health = "unhealthy" } }, null, [], null, null).Health, Is.EqualTo("unhealthy"));
    }

    [Test, Category("Core")]
    public void The_last_verify_shows_under_the_environment_it_names_with_its_checks()
    {
        var status = new DeploymentStatus("staging", "ssh://deploy@staging", "1.4.0", null, null, new LockState(false, null), []);
        var verify = System.Text.Json.Nodes.JsonNode.Parse("""
            {"environment": "staging", "passed": true, "release": "1.4.0", "container": "qts-observer-b", "checkedAt": "2026-12-01T09:03:00Z",
             "checks": [{"name": "running", "passed": true, "evidence": "up <1 min>"}]}
            """)!.AsObject();
        EnvironmentDashboard[] environments = [new("local", status with { Environment = "local" }, null, [], null, null), new("staging", status, null, [], null, null)];

        var html = DashboardPage.Render(environments, verify, Start, text => text);
        verify["passed"] = false;
        var failed = DashboardPage.Render(environments, verify, Start, text => text);

        Assert.That(html, Does.Contain("<h3 class=\"last-verify\">Last verify <span class=\"badge good\">passed</span></h3>\n" +
                                       "<p>Release 1.4.0 in qts-observer-b, checked 2026-12-01T09:03:00Z.</p>\n<h3>Checks</h3>\n"));
        Assert.That(html, Does.Contain("<tr><td data-label=\"check\"><code>running</code></td><td data-label=\"result\"><span class=\"badge good\">pass</span></td>" +
                                       "<td data-label=\"evidence\">up &lt;1 min&gt;</td><td data-label=\"fix\"></td></tr>"));
        Assert.That(html.IndexOf("Last verify", StringComparison.Ordinal), Is.GreaterThan(html.IndexOf("id=\"env-staging\"", StringComparison.Ordinal)),
            "under staging, the environment it names, not under local");
        Assert.That(html.Split("Last verify").Length, Is.EqualTo(2));
        Assert.That(failed, Does.Contain("<h3 class=\"last-verify\">Last verify <span class=\"badge bad\">failed</span></h3>\n"));
    }

    [TestCase(30, "30 s"), TestCase(90, "1 min"), TestCase(3 * 3600 + 5, "3 h"), TestCase(47 * 3600, "47 h"), TestCase(3 * 86400 + 60, "3 d")]
    [Category("Core")]
    public void A_backup_s_age_reads_in_its_largest_whole_unit(int seconds, string expected) =>
        Assert.That(DashboardPage.Age(TimeSpan.FromSeconds(seconds)), Is.EqualTo(expected));

    private static HistoryEntry Entry(int minute, HistoryAction action, HistoryResult result, string release, string? detail) => new()
    {
        Action = action, Result = result, Version = release, Release = release,
        StartedAt = Start.AddMinutes(minute), FinishedAt = Start.AddMinutes(minute).AddSeconds(20), Detail = detail,
    };
}
