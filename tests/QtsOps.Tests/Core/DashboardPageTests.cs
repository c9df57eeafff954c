using System.Text;
using QtsOps.Core.Deployment;
using QtsOps.Core.Pages;

namespace QtsOps.Tests.Core;

/// <summary>artifacts/dashboard/index.html as text: the overview and each environment's section, whole (Docker/DashboardPageTests runs the target against the engine and opens the page in chromium).</summary>
[Category("Core")]
public class DashboardPageTests
{
    internal static readonly DateTimeOffset Start = DateTimeOffset.Parse("2026-12-01T09:00:00Z");

    internal static HistoryEntry Entry(int minute, HistoryAction action, HistoryResult result, string release, string? detail) => new()
    {
        Action = action, Result = result, Version = release, Release = release,
        StartedAt = Start.AddMinutes(minute), FinishedAt = Start.AddMinutes(minute).AddSeconds(20), Detail = detail,
    };

    // prod: our container, healthy, on its labels' release (the store's current one is older), a version beside it, a lock held by a
    // named process; its disk and host memory exactly at their minimums (in whole MB), its container at exactly 90 % of its limit.
    private static readonly EnvironmentDashboard Prod = new("prod",
        new DeploymentStatus("prod", "ssh://deploy@prod", "1.3.0",
            new RunningContainer("qts-observer-a", "running", "healthy", DateTimeOffset.Parse("2026-12-01T05:00:00+01:00"), 2, "sha256:aaa", "registry/qts@sha256:bbb",
                new DeploymentOwner("prod", "/srv/qts/.qtsops/deploy/prod", "1.4.0", "1.4.0+build.7"), true),
            Entry(30, HistoryAction.Verify, HistoryResult.Succeeded, "1.4.0", null) with { Version = "1.4.0+build.7" },
            new LockState(true, new LockOwner(42, "ci-runner", "runner", Start, "deploy 1.5.0")),
            [
                Entry(20, HistoryAction.Deploy, HistoryResult.Succeeded, "1.4.0", "took <over>") with { Version = "1.4.0+build.7" },
                Entry(30, HistoryAction.Verify, HistoryResult.Failed, "1.4.0", null) with { FinishedAt = Start.AddMinutes(30).AddSeconds(20.6) },
            ]),
        new HostResources("/srv/qts", 1234567890, 1177, 1024L << 20, 1024, 90L << 20, 100),
        [new BackupListed("data-new.tar.gz", 3 << 20, Start.AddSeconds(-60), "c0ffee"), new BackupListed("data-old.tar.gz", 5 << 10, Start.AddDays(-2), null)],
        null, null);

    // staging: another deployment's container, exited, without a health check, no release or version on its labels, never pushed; a
    // lock held by a process that has not named itself; disk and host memory a byte under their minimums (shown rounded: 100 MB).
    private static readonly EnvironmentDashboard Staging = new("staging",
        new DeploymentStatus("staging", "ssh://deploy@staging", "1.2.0",
            new RunningContainer("qts-observer", "exited", null, Start, 0, "sha256:ccc", null,
                new DeploymentOwner("staging", "/srv/other/.qtsops/deploy/staging", null, null), false),
            null, new LockState(true, null), []),
        new HostResources("/srv/qts", (100L << 20) - 1, 100, (512L << 20) - 1, 512, 200L << 20, 512),
        [], null, null);

    // dev: a container of no deployment, no release in the store; its backups on another host; its resources not read.
    private static readonly EnvironmentDashboard Dev = new("dev",
        new DeploymentStatus("dev", "ssh://deploy@dev", null,
            new RunningContainer("qts-observer", "running", "starting", Start, 0, "sha256:ddd", null, new DeploymentOwner(null, null, null, null), false),
            null, new LockState(false, null), []),
        null, [], "The backups are on dev-host in /srv/qts/.qtsops/backups/dev; restore runs on this machine only, so they are not listed here.", null);

    // local: nothing runs; the store's current release is 1.1.0.
    private static readonly EnvironmentDashboard Local = new("local",
        new DeploymentStatus("local", "unix:///var/run/docker.sock", "1.1.0", null, null, new LockState(false, null), []),
        new HostResources("/srv/local", 5L << 30, 100, 8L << 30, 512, null, 512), [], null, null);

    private static readonly EnvironmentDashboard Edge = EnvironmentDashboard.Failed("edge", "cannot connect to ssh://deploy@edge: no route to host <edge>");

    private const string ResourcesTable = "<div class=\"scroll\"><table class=\"resources\"><thead>" +
        "<tr><th scope=\"col\">resource</th><th scope=\"col\">state</th><th scope=\"col\">host reports</th><th scope=\"col\">limit (environments.json)</th></tr></thead><tbody>\n";

    private const string NoBackupsOrHistoryYet = "<h3>Backups (newest first, 0)</h3>\n<p>None yet: each deploy makes one.</p>\n<h3>History (newest first, 0 entries)</h3>\n<p>No history yet.</p>\n</section>\n";

    // Rendered at each use, not once: a mutation run changes the code between tests of one process.
    private static string Page => DashboardPage.Render([Prod, Staging, Dev, Local, Edge], null, Start, text => text);

    /// <summary>The environment's section, whole.</summary>
    private static string Section(string environment)
    {
        var start = Page.IndexOf($"<section id=\"env-{environment}\"", StringComparison.Ordinal);
        return Page[start..(Page.IndexOf("</section>\n", start, StringComparison.Ordinal) + "</section>\n".Length)];
    }

    [Test]
    public void The_page_is_titled_with_its_environments_and_opens_with_an_overview_row_each()
    {
        Assert.That(Page, Does.Contain("<title>QtsOps dashboard &#183; prod, staging, dev, local, edge</title>"));
        Assert.That(Page, Does.Contain("<main>\n" +
            "<h1>QtsOps dashboard</h1>\n" +
            "<p>5 environment(s). Read 2026-12-01 09:00:00Z.</p>\n" +
            "<div class=\"scroll\"><table class=\"overview\"><thead>" +
            "<tr><th scope=\"col\">environment</th><th scope=\"col\">health</th><th scope=\"col\">release</th><th scope=\"col\">disk</th><th scope=\"col\">memory</th><th scope=\"col\">newest backup</th></tr></thead><tbody>\n" +
            "<tr><td data-label=\"environment\"><a href=\"#env-prod\">prod</a></td><td data-label=\"health\"><span class=\"badge good\">healthy</span></td>" +
            "<td data-label=\"release\">1.4.0</td><td data-label=\"disk\"><span class=\"badge good\">ok</span> 1177.4 MB free</td>" +
            "<td data-label=\"memory\"><span class=\"badge bad\">high</span> 90 % of 100 MB</td><td data-label=\"newest backup\">1 min old</td></tr>\n" +
            "<tr><td data-label=\"environment\"><a href=\"#env-staging\">staging</a></td><td data-label=\"health\"><span class=\"badge bad\">exited</span></td>" +
            "<td data-label=\"release\">1.2.0</td><td data-label=\"disk\"><span class=\"badge bad\">low</span> 100 MB free</td>" +
            "<td data-label=\"memory\"><span class=\"badge good\">ok</span> 39 % of 512 MB</td><td data-label=\"newest backup\">none</td></tr>\n" +
            "<tr><td data-label=\"environment\"><a href=\"#env-dev\">dev</a></td><td data-label=\"health\"><span class=\"badge warn\">starting</span></td>" +
            "<td data-label=\"release\">none</td><td data-label=\"disk\"></td><td data-label=\"memory\"></td><td data-label=\"newest backup\">on its host</td></tr>\n" +
            "<tr><td data-label=\"environment\"><a href=\"#env-local\">local</a></td><td data-label=\"health\"><span class=\"badge bad\">not running</span></td>" +
            "<td data-label=\"release\">1.1.0</td><td data-label=\"disk\"><span class=\"badge good\">ok</span> 5120 MB free</td>" +
            "<td data-label=\"memory\"><span class=\"badge neutral\">not running</span></td><td data-label=\"newest backup\">none</td></tr>\n" +
            "<tr><td data-label=\"environment\"><a href=\"#env-edge\">edge</a></td><td data-label=\"health\"><span class=\"badge bad\">unreachable</span></td>" +
            "<td data-label=\"release\"></td><td data-label=\"disk\"></td><td data-label=\"memory\"></td><td data-label=\"newest backup\"></td></tr>\n" +
            "</tbody></table></div>\n" +
            "<section id=\"env-prod\""),
            "each environment's health, release (its container's, else the store's), disk, memory and newest backup's age; nothing read of an unreachable one");
    }

    [Test]
    public void An_environment_our_container_serves_shows_what_runs_its_disk_and_memory_at_their_limits_its_backups_and_its_history_newest_first()
    {
        Assert.That(Section("prod"), Is.EqualTo(
            "<section id=\"env-prod\" class=\"environment\">\n" +
            "<h2>prod <span class=\"badge good\">healthy</span></h2>\n" +
            "<p>&#39;prod&#39;: 1.4.0 (1.4.0+build.7) is running, healthy in qts-observer-a since 2026-12-01 04:00:00Z.</p>\n" +
            "<h3>What runs</h3>\n" +
            "<dl class=\"facts\"><dt>engine</dt><dd>ssh://deploy@prod</dd><dt>current release</dt><dd>1.3.0</dd>" +
            "<dt>container</dt><dd><code>qts-observer-a</code> <span class=\"badge good\">running</span> <span class=\"badge good\">healthy</span></dd>" +
            "<dt>release</dt><dd>1.4.0</dd><dt>version</dt><dd>1.4.0+build.7</dd><dt>since</dt><dd>2026-12-01 04:00:00Z</dd><dt>restarts</dt><dd>2</dd>" +
            "<dt>image</dt><dd><code>sha256:aaa</code></dd><dt>digest</dt><dd><code>registry/qts@sha256:bbb</code></dd><dt>started by</dt><dd>this deployment</dd>" +
            "<dt>last verified</dt><dd>1.4.0 (1.4.0+build.7) at 2026-12-01 09:30:20Z</dd>" +
            "<dt>deploy lock</dt><dd><span class=\"badge warn\">held</span> pid 42 on ci-runner (user runner, deploy 1.5.0, since 2026-12-01 09:00:00Z)</dd></dl>\n" +
            "<h3>Disk and memory</h3>\n" +
            ResourcesTable +
            "<tr><td data-label=\"resource\">free disk</td><td data-label=\"state\"><span class=\"badge good\">ok</span> 1177.4 MB free</td>" +
            "<td data-label=\"host reports\">1177.4 MB free for /srv/qts</td><td data-label=\"limit (environments.json)\">at least 1177 MB (minFreeDiskMb)</td></tr>\n" +
            "<tr><td data-label=\"resource\">container memory</td><td data-label=\"state\"><span class=\"badge bad\">high</span> 90 % of 100 MB</td>" +
            "<td data-label=\"host reports\">90 MB used (90 %)</td><td data-label=\"limit (environments.json)\">100 MB (memoryLimitMb)</td></tr>\n" +
            "<tr><td data-label=\"resource\">host memory</td><td data-label=\"state\"><span class=\"badge good\">ok</span></td>" +
            "<td data-label=\"host reports\">1024 MB in the Docker host</td><td data-label=\"limit (environments.json)\">at least 1024 MB (minMemoryMb)</td></tr>\n" +
            "</tbody></table></div>\n" +
            "<h3>Backups (newest first, 2)</h3>\n" +
            "<div class=\"scroll\"><table class=\"backups\"><thead>" +
            "<tr><th scope=\"col\">backup</th><th scope=\"col\">age</th><th scope=\"col\">written</th><th scope=\"col\">size</th><th scope=\"col\">checksum</th></tr></thead><tbody>\n" +
            "<tr><td data-label=\"backup\"><code>data-new.tar.gz</code></td><td data-label=\"age\">1 min</td><td data-label=\"written\">2026-12-01 08:59:00Z</td>" +
            "<td data-label=\"size\">3 MB</td><td data-label=\"checksum\"><span class=\"badge good\">recorded</span></td></tr>\n" +
            "<tr><td data-label=\"backup\"><code>data-old.tar.gz</code></td><td data-label=\"age\">2 d</td><td data-label=\"written\">2026-11-29 09:00:00Z</td>" +
            "<td data-label=\"size\">5 KB</td><td data-label=\"checksum\"><span class=\"badge bad\">missing</span></td></tr>\n" +
            "</tbody></table></div>\n" +
            "<h3>History (newest first, 2 entries)</h3>\n" +
            "<div class=\"scroll\"><table class=\"history\"><thead>" +
            "<tr><th scope=\"col\">finished</th><th scope=\"col\">action</th><th scope=\"col\">result</th><th scope=\"col\">release</th><th scope=\"col\">took</th><th scope=\"col\">detail</th></tr></thead><tbody>\n" +
            "<tr><td data-label=\"finished\">2026-12-01 09:30:20Z</td><td data-label=\"action\">verify</td>" +
            "<td data-label=\"result\"><span class=\"badge bad\">failed</span></td><td data-label=\"release\">1.4.0</td><td data-label=\"took\">21 s</td>" +
            "<td data-label=\"detail\"></td></tr>\n" +
            "<tr><td data-label=\"finished\">2026-12-01 09:20:20Z</td><td data-label=\"action\">deploy</td>" +
            "<td data-label=\"result\"><span class=\"badge good\">succeeded</span></td><td data-label=\"release\">1.4.0 (1.4.0+build.7)</td>" +
            "<td data-label=\"took\">20 s</td><td data-label=\"detail\">took &lt;over&gt;</td></tr>\n" +
            "</tbody></table></div>\n" +
            "</section>\n"));
    }

    [Test]
    public void Another_deployment_s_container_a_nameless_lock_holder_and_a_host_a_byte_under_its_minimums_read_as_such()
    {
        Assert.That(Section("staging"), Is.EqualTo(
            "<section id=\"env-staging\" class=\"environment\">\n" +
            "<h2>staging <span class=\"badge bad\">exited</span></h2>\n" +
            "<p>&#39;staging&#39;: qts-observer belongs to the deployment in /srv/other/.qtsops/deploy/staging (environment staging), not to this deployment, and serves a release it does not name.</p>\n" +
            "<h3>What runs</h3>\n" +
            "<dl class=\"facts\"><dt>engine</dt><dd>ssh://deploy@staging</dd><dt>current release</dt><dd>1.2.0</dd>" +
            "<dt>container</dt><dd><code>qts-observer</code> <span class=\"badge bad\">exited</span></dd><dt>release</dt><dd>1.2.0</dd>" +
            "<dt>version</dt><dd>not recorded</dd><dt>since</dt><dd>2026-12-01 09:00:00Z</dd><dt>restarts</dt><dd>0</dd>" +
            "<dt>image</dt><dd><code>sha256:ccc</code></dd><dt>digest</dt><dd>none (built here, never pushed)</dd>" +
            "<dt>started by</dt><dd>the deployment in /srv/other/.qtsops/deploy/staging (environment staging)</dd><dt>last verified</dt><dd>none</dd>" +
            "<dt>deploy lock</dt><dd><span class=\"badge warn\">held</span> by a process that has not named itself yet</dd></dl>\n" +
            "<h3>Disk and memory</h3>\n" +
            ResourcesTable +
            "<tr><td data-label=\"resource\">free disk</td><td data-label=\"state\"><span class=\"badge bad\">low</span> 100 MB free</td>" +
            "<td data-label=\"host reports\">100 MB free for /srv/qts</td><td data-label=\"limit (environments.json)\">at least 100 MB (minFreeDiskMb)</td></tr>\n" +
            "<tr><td data-label=\"resource\">container memory</td><td data-label=\"state\"><span class=\"badge good\">ok</span> 39 % of 512 MB</td>" +
            "<td data-label=\"host reports\">200 MB used (39 %)</td><td data-label=\"limit (environments.json)\">512 MB (memoryLimitMb)</td></tr>\n" +
            "<tr><td data-label=\"resource\">host memory</td><td data-label=\"state\"><span class=\"badge bad\">low</span></td>" +
            "<td data-label=\"host reports\">512 MB in the Docker host</td><td data-label=\"limit (environments.json)\">at least 512 MB (minMemoryMb)</td></tr>\n" +
            "</tbody></table></div>\n" +
            NoBackupsOrHistoryYet));
    }

    [Test]
    public void A_container_of_no_deployment_and_backups_on_another_host_are_said_as_such()
    {
        Assert.That(Section("dev"), Is.EqualTo(
            "<section id=\"env-dev\" class=\"environment\">\n" +
            "<h2>dev <span class=\"badge warn\">starting</span></h2>\n" +
            "<p>&#39;dev&#39;: qts-observer belongs to no QtsOps deployment (the container has no io.qtsops labels and was not started from a release directory), not to this deployment, and serves a release it does not name.</p>\n" +
            "<h3>What runs</h3>\n" +
            "<dl class=\"facts\"><dt>engine</dt><dd>ssh://deploy@dev</dd><dt>current release</dt><dd>none</dd>" +
            "<dt>container</dt><dd><code>qts-observer</code> <span class=\"badge good\">running</span> <span class=\"badge warn\">starting</span></dd>" +
            "<dt>release</dt><dd>unknown</dd><dt>version</dt><dd>not recorded</dd><dt>since</dt><dd>2026-12-01 09:00:00Z</dd><dt>restarts</dt><dd>0</dd>" +
            "<dt>image</dt><dd><code>sha256:ddd</code></dd><dt>digest</dt><dd>none (built here, never pushed)</dd>" +
            "<dt>started by</dt><dd>no QtsOps deployment (the container has no io.qtsops labels and was not started from a release directory)</dd>" +
            "<dt>last verified</dt><dd>none</dd><dt>deploy lock</dt><dd><span class=\"badge good\">free</span></dd></dl>\n" +
            "<h3>Backups (newest first, 0)</h3>\n" +
            "<p>The backups are on dev-host in /srv/qts/.qtsops/backups/dev; restore runs on this machine only, so they are not listed here.</p>\n" +
            "<h3>History (newest first, 0 entries)</h3>\n" +
            "<p>No history yet.</p>\n" +
            "</section>\n"));
    }

    [Test]
    public void An_environment_where_nothing_runs_says_so_and_that_it_has_no_backups_or_history_yet()
    {
        Assert.That(Section("local"), Is.EqualTo(
            "<section id=\"env-local\" class=\"environment\">\n" +
            "<h2>local <span class=\"badge bad\">not running</span></h2>\n" +
            "<p>&#39;local&#39;: no container runs (current release: 1.1.0).</p>\n" +
            "<h3>What runs</h3>\n" +
            "<dl class=\"facts\"><dt>engine</dt><dd>unix:///var/run/docker.sock</dd><dt>current release</dt><dd>1.1.0</dd>" +
            "<dt>container</dt><dd><span class=\"badge bad\">not running</span></dd><dt>last verified</dt><dd>none</dd>" +
            "<dt>deploy lock</dt><dd><span class=\"badge good\">free</span></dd></dl>\n" +
            "<h3>Disk and memory</h3>\n" +
            ResourcesTable +
            "<tr><td data-label=\"resource\">free disk</td><td data-label=\"state\"><span class=\"badge good\">ok</span> 5120 MB free</td>" +
            "<td data-label=\"host reports\">5120 MB free for /srv/local</td><td data-label=\"limit (environments.json)\">at least 100 MB (minFreeDiskMb)</td></tr>\n" +
            "<tr><td data-label=\"resource\">container memory</td><td data-label=\"state\"><span class=\"badge neutral\">not running</span></td>" +
            "<td data-label=\"host reports\">no container runs</td><td data-label=\"limit (environments.json)\">512 MB (memoryLimitMb)</td></tr>\n" +
            "<tr><td data-label=\"resource\">host memory</td><td data-label=\"state\"><span class=\"badge good\">ok</span></td>" +
            "<td data-label=\"host reports\">8192 MB in the Docker host</td><td data-label=\"limit (environments.json)\">at least 512 MB (minMemoryMb)</td></tr>\n" +
            "</tbody></table></div>\n" +
            NoBackupsOrHistoryYet));
    }

    [Test]
    public void An_unreachable_host_says_why_and_nothing_more()
    {
        Assert.That(Section("edge"), Is.EqualTo(
            "<section id=\"env-edge\" class=\"environment\">\n" +
            "<h2>edge <span class=\"badge bad\">unreachable</span></h2>\n" +
            "<p class=\"unreachable\">cannot connect to ssh://deploy@edge: no route to host &lt;edge&gt;</p>\n" +
            "</section>\n"));
    }

    [Test]
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

    [Test]
    public void Disk_below_its_minimum_and_a_container_near_its_memory_limit_read_low_and_high_in_words()
    {
        var resources = new HostResources("/srv/qts", 900L << 20, 1024, 8L << 30, 1024, 470L << 20, 512);
        var status = new DeploymentStatus("staging", "ssh://deploy@staging", "1.0.0", null, null, new LockState(false, null), []);

        var html = DashboardPage.Render([new EnvironmentDashboard("staging", status, resources, [], null, null)], null, Start, text => text);

        Assert.That(html, Does.Contain("<span class=\"badge bad\">low</span> 900 MB free"));
        Assert.That(html, Does.Contain("<span class=\"badge bad\">high</span> 92 % of 512 MB"));
        Assert.That(html, Does.Contain("at least 1024 MB (minFreeDiskMb)"));
    }

    [Test]
    public void An_environment_on_a_swarm_shows_what_status_shows_of_it_and_its_backups_are_on_its_nodes()
    {
        var swarm = EnvironmentDashboard.OnSwarm("prod", ["qts_observer: 2/2 replicas running 1.4.0", "task <1> on node-a"]);

        var html = DashboardPage.Render([swarm], null, Start, text => text);

        Assert.That(swarm.Health, Is.EqualTo("swarm"));
        Assert.That(swarm.Summary, Is.EqualTo("'prod' (swarm): qts_observer: 2/2 replicas running 1.4.0"));
        Assert.That(html, Does.Contain("<td data-label=\"newest backup\">on its nodes</td></tr>"));
        Assert.That(html, Does.Contain("<section id=\"env-prod\" class=\"environment\">\n<h2>prod <span class=\"badge neutral\">swarm</span></h2>\n" +
                                       "<pre class=\"swarm\">qts_observer: 2/2 replicas running 1.4.0\ntask &lt;1&gt; on node-a</pre>\n</section>\n"));
    }

    [Test]
    public void An_environment_that_could_not_be_read_says_it_was_unreachable_and_why()
    {
        Assert.That(EnvironmentDashboard.Failed("staging", "no route to host").Summary, Is.EqualTo("'staging': unreachable: no route to host"));
        Assert.That(EnvironmentDashboard.Failed("staging", "no route to host").Health, Is.EqualTo("unreachable"));
    }

    [Test]
    public void A_container_without_a_health_check_reads_its_state()
    {
        var owner = new DeploymentOwner("prod", "/srv/qts/.qtsops/deploy/prod", "1.4.0", "1.4.0");
        var container = new RunningContainer("qts-observer-a", "restarting", null, Start, 3, "sha256:" + new string('a', 64), null, owner, true);
        var status = new DeploymentStatus("prod", "ssh://deploy@prod", "1.4.0", container, null, new LockState(false, null), []);

        Assert.That(new EnvironmentDashboard("prod", status, null, [], null, null).Health, Is.EqualTo("restarting"));
        Assert.That(new EnvironmentDashboard("prod", status with { Container = container with { Health = "unhealthy" } }, null, [], null, null).Health, Is.EqualTo("unhealthy"));
    }

    [Test]
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

    [TestCase(30, "30 s"), TestCase(59, "59 s"), TestCase(60, "1 min"), TestCase(90, "1 min"), TestCase(3599, "59 min"), TestCase(3600, "1 h"),
     TestCase(3 * 3600 + 5, "3 h"), TestCase(47 * 3600, "47 h"), TestCase(2 * 86400 - 1, "47 h"), TestCase(2 * 86400, "2 d"), TestCase(3 * 86400 + 60, "3 d")]
    public void A_backup_s_age_reads_in_its_largest_whole_unit(int seconds, string expected) =>
        Assert.That(DashboardPage.Age(TimeSpan.FromSeconds(seconds)), Is.EqualTo(expected));
}
