using QtsOps.Core.Fleet;
using QtsOps.Core.Deployment;

namespace QtsOps.Tests.Core;

[Category("Core")]
public class DeploymentStatusTests
{
    private static readonly DateTimeOffset Started = new(2026, 12, 1, 8, 0, 0, TimeSpan.Zero);

    private static HistoryEntry Entry(HistoryAction action, string release, HistoryResult result = HistoryResult.Succeeded) => new()
    {
        Action = action, Result = result, Version = release.Replace('_', '+'), Release = release, StartedAt = Started, FinishedAt = Started.AddMinutes(1),
    };

    private static RunningContainer Container(bool ours, string release = "1.2.0") =>
        new("qts-observer", "running", "healthy", Started, 0, "sha256:abc", "reg/qts@sha256:def",
            new DeploymentOwner("local", ours ? "/srv/a/.qtsops/deploy/local" : "/srv/b/.qtsops/deploy/local", release, "1.2.0"), ours);

    [Test]
    public void The_summary_names_the_running_release_its_state_and_since_when()
    {
        var status = new DeploymentStatus("local", "unix:///var/run/docker.sock", "1.2.0", Container(ours: true), Entry(HistoryAction.Verify, "1.2.0"),
            new LockState(false, null), [Entry(HistoryAction.Deploy, "1.1.0"), Entry(HistoryAction.Deploy, "1.2.0"), Entry(HistoryAction.Verify, "1.2.0")]);

        Assert.That(status.Summary, Is.EqualTo("'local': 1.2.0 (1.2.0) is running, healthy in qts-observer since 2026-12-01 08:00:00Z"));
        var markdown = status.ToMarkdown();
        Assert.That(markdown, Does.StartWith("# status: local\n"));
        Assert.That(markdown, Does.Contain("| deploy lock | free |").And.Contain("| started by | this deployment |"));
        var rows = markdown.Split('\n').Where(l => l.StartsWith("| 2026-")).ToList();
        Assert.That(rows, Has.Count.EqualTo(3));
        Assert.That(rows[0], Does.Contain("| verify | succeeded | 1.2.0 |"), "newest first");
    }

    [Test]
    public void An_entry_of_a_run_on_some_hosts_says_which_of_which_where_status_shows_the_history()
    {
        var sites = FleetEnvironmentTests.Parse(FleetEnvironmentTests.Fixture)["sites"];
        var deploy = Entry(HistoryAction.Deploy, "1.2.0") with { Detail = "took over", Hosts = HostSubset.Of(sites, [sites.Hosts[0]]) };
        var status = new DeploymentStatus("sites", "ssh://east", "1.2.0", Container(ours: true), null, new LockState(false, null), [deploy]);

        Assert.That(deploy.Note, Is.EqualTo("took over; hosts: east of east, west, north"));
        Assert.That(status.ToMarkdown(), Does.Contain("| deploy | succeeded | 1.2.0 | 1.2.0 | took over; hosts: east of east, west, north |"));
        Assert.That(DeploymentStatus.LockAndHistoryLines(null, new LockState(false, null), [deploy with { Detail = null }]),
            Does.Contain("history: 2026-12-01 08:01:00Z deploy succeeded 1.2.0 (1.2.0): hosts: east of east, west, north"));
    }

    [Test]
    public void The_summary_names_the_release_on_the_containers_label_not_the_stores_current_one()
    {
        var status = new DeploymentStatus("local", "engine", "1.2.0", Container(ours: true, release: "1.1.0"), null, new LockState(false, null), []);

        Assert.That(status.Summary, Does.StartWith("'local': 1.1.0 (1.2.0) is running"));
    }

    [Test]
    public void Another_deployments_container_and_a_held_lock_are_said_as_such()
    {
        var holder = new LockOwner(42, "ci-runner", "runner", Started, "deploy 1.3.0");
        var status = new DeploymentStatus("local", "engine", "1.2.0", Container(ours: false), null, new LockState(true, holder), []);

        Assert.That(status.Summary, Is.EqualTo("'local': qts-observer belongs to the deployment in /srv/b/.qtsops/deploy/local (environment local, release 1.2.0), not to this deployment, and serves 1.2.0"));
        Assert.That(status.ToMarkdown(), Does.Contain($"| deploy lock | held by {holder} |").And.Contain("| last verified | none |").And.Contain("No history yet."));
    }

    [Test]
    public void The_status_report_holds_every_reading_in_its_row()
    {
        // The whole report, so a row that goes missing or loses a reading fails: it is what an operator reads.
        var failed = Entry(HistoryAction.Deploy, "1.3.0", HistoryResult.Failed) with { Detail = "verify: restarts | health" };
        var status = new DeploymentStatus("local", "unix:///var/run/docker.sock", "1.2.0", Container(ours: true), Entry(HistoryAction.Verify, "1.2.0"),
            new LockState(true, null), [Entry(HistoryAction.Deploy, "1.2.0"), failed]);

        Assert.That(status.ToMarkdown(), Is.EqualTo(
            "# status: local\n\n'local': 1.2.0 (1.2.0) is running, healthy in qts-observer since 2026-12-01 08:00:00Z.\n\n" +
            "| | |\n|---|---|\n" +
            "| engine | unix:///var/run/docker.sock |\n" +
            "| current release | 1.2.0 |\n" +
            "| container | `qts-observer`: running, healthy, since 2026-12-01 08:00:00Z, 0 restart(s) |\n" +
            "| image | `sha256:abc` (reg/qts@sha256:def) |\n" +
            "| started by | this deployment |\n" +
            "| last verified | 1.2.0 (1.2.0) at 2026-12-01 08:01:00Z |\n" +
            "| deploy lock | held by a process that has not named itself yet |\n" +
            "\n## History (newest 2)\n\n| finished | action | result | release | version | detail |\n|---|---|---|---|---|---|\n" +
            "| 2026-12-01 08:01:00Z | deploy | failed | 1.3.0 | 1.3.0 | verify: restarts \\| health |\n" +
            "| 2026-12-01 08:01:00Z | deploy | succeeded | 1.2.0 | 1.2.0 |  |\n"));
    }

    [Test]
    public void A_container_without_health_check_digest_or_recorded_release_is_said_without_them()
    {
        var bare = new RunningContainer("qts-observer", "exited", null, Started, 3, "sha256:abc", null,
            new DeploymentOwner("local", "/srv/a/.qtsops/deploy/local", null, null), true);
        var status = new DeploymentStatus("local", "engine", "1.1.0", bare, null, new LockState(false, null), []);

        Assert.That(status.Summary, Is.EqualTo("'local': 1.1.0 (version not recorded) is exited in qts-observer since 2026-12-01 08:00:00Z"),
            "the release store's current release stands in for a container that does not say its own");
        Assert.That(status.ToMarkdown(), Does.Contain("| container | `qts-observer`: exited, since 2026-12-01 08:00:00Z, 3 restart(s) |\n")
            .And.Contain("| image | `sha256:abc` |\n"));
        Assert.That(status with { CurrentRelease = null }, Has.Property("Summary").StartsWith("'local': ? (version not recorded)"));
    }

    [Test]
    public void Another_deployments_container_is_said_to_be_started_by_it()
    {
        var status = new DeploymentStatus("local", "engine", "1.2.0", Container(ours: false), null, new LockState(false, null), []);

        Assert.That(status.ToMarkdown(), Does.Contain("| started by | the deployment in /srv/b/.qtsops/deploy/local (environment local, release 1.2.0) |"));
    }

    [Test]
    public void Nothing_running_is_said_with_the_current_release()
    {
        var status = new DeploymentStatus("staging", "ssh://qtsops@host", null, null, null, new LockState(false, null), []);

        Assert.That(status.Summary, Is.EqualTo("'staging': no container runs (current release: none)"));
        Assert.That((status with { CurrentRelease = "1.0.0" }).Summary, Is.EqualTo("'staging': no container runs (current release: 1.0.0)"));
        Assert.That(status.ToMarkdown(), Does.Contain("| current release | none |"));
    }

    [Test]
    public void Another_checkouts_edge_and_slots_are_shown_with_whose_they_are_when_none_of_this_deployment_runs()
    {
        var theirs = new DeploymentOwner("local", "/srv/b/.qtsops/deploy/local", null, null);
        var edge = new RunningContainer("qts-observer-edge", "running", null, Started, 0, "sha256:edge", null, theirs, false);
        var stopped = Container(ours: false) with { Name = "qts-observer-a", State = "exited", Health = null };
        var status = new DeploymentStatus("local", "engine", null, null, null, new LockState(false, null), [], [edge, stopped], ["someone-else"]);

        Assert.That(status.Summary, Is.EqualTo("'local': qts-observer-edge belongs to the deployment in /srv/b/.qtsops/deploy/local (environment local), not to this deployment"));
        Assert.That(status.ToMarkdown(), Does.Contain("| also | `qts-observer-edge`: running, the deployment in /srv/b/.qtsops/deploy/local (environment local) |\n")
            .And.Contain("| also | `qts-observer-a`: exited, the deployment in /srv/b/.qtsops/deploy/local (environment local, release 1.2.0) |\n")
            .And.Contain("| port held by | someone-else (not this environment's containers) |"));
    }

    [Test]
    public void This_deployments_stopped_slot_is_shown_beside_the_one_that_serves()
    {
        var stopped = Container(ours: true, release: "1.1.0") with { Name = "qts-observer-b", State = "exited", Health = null };
        var status = new DeploymentStatus("local", "engine", "1.2.0", Container(ours: true), null, new LockState(false, null), [], [stopped], []);

        Assert.That(status.Summary, Does.StartWith("'local': 1.2.0 (1.2.0) is running"));
        Assert.That(status.ToMarkdown(), Does.Contain("| also | `qts-observer-b`: exited, this deployment, release 1.1.0 |\n").And.Not.Contain("port held by"));
    }

    [Test]
    public void The_lock_and_history_lines_a_swarm_s_status_shows_say_what_the_compose_table_says_newest_first()
    {
        var owner = new LockOwner(42, "ci-1", "deployer", Started, "deploy 1.3.0");
        var history = new[] { Entry(HistoryAction.Deploy, "1.2.0"), Entry(HistoryAction.Verify, "1.2.0"), Entry(HistoryAction.Deploy, "1.3.0", HistoryResult.Failed) with { Detail = "no suitable node" } };

        var lines = DeploymentStatus.LockAndHistoryLines(history[1], new LockState(true, owner), history);

        Assert.That(lines, Is.EqualTo(new[]
        {
            "last verified: 1.2.0 (1.2.0) at 2026-12-01 08:01:00Z", $"deploy lock: held by {owner}",
            "history: 2026-12-01 08:01:00Z deploy failed 1.3.0 (1.3.0): no suitable node",
            "history: 2026-12-01 08:01:00Z verify succeeded 1.2.0 (1.2.0)",
            "history: 2026-12-01 08:01:00Z deploy succeeded 1.2.0 (1.2.0)",
        }));
        Assert.That(DeploymentStatus.LockAndHistoryLines(null, new LockState(false, null), []), Is.EqualTo(new[] { "last verified: none", "deploy lock: free", "history: none yet" }));
    }

    [Test]
    public void The_other_containers_the_port_holders_and_a_held_canary_each_have_their_row()
    {
        var otherSlot = Container(ours: true) with { Name = "qts-observer-b", Health = "unhealthy", Owner = new DeploymentOwner("local", "/srv/a/.qtsops/deploy/local", null, null) };
        var status = new DeploymentStatus("local", "engine", "1.2.0", Container(ours: true), null, new LockState(false, null), [],
            [otherSlot], ["web-1", "web-2"], HeldCanary: "1.3.0 on east, held since 2026-12-01 08:00:00Z");

        Assert.That(status.ToMarkdown(), Does.Contain(
            "| started by | this deployment |\n" +
            "| also | `qts-observer-b`: running, unhealthy, this deployment |\n" +
            "| port held by | web-1, web-2 (not this environment's containers) |\n" +
            "| canary | 1.3.0 on east, held since 2026-12-01 08:00:00Z |\n" +
            "| last verified | none |\n"));
    }

    [Test]
    public void Another_deployments_container_that_names_no_release_is_said_so_and_an_empty_list_of_others_is_no_container()
    {
        var unnamed = Container(ours: false) with { Owner = new DeploymentOwner("local", "/srv/b/.qtsops/deploy/local", null, null) };

        Assert.That(new DeploymentStatus("local", "engine", null, unnamed, null, new LockState(false, null), []).Summary,
            Does.EndWith("not to this deployment, and serves a release it does not name"));
        Assert.That(new DeploymentStatus("local", "engine", null, null, null, new LockState(false, null), [], Others: []).Summary,
            Is.EqualTo("'local': no container runs (current release: none)"));
    }

    [Test]
    public void A_history_entry_with_an_empty_detail_shows_only_its_hosts()
    {
        var sites = FleetEnvironmentTests.Parse(FleetEnvironmentTests.Fixture)["sites"];

        var entry = Entry(HistoryAction.Deploy, "1.2.0") with { Detail = "", Hosts = HostSubset.Of(sites, [sites.Hosts[0]]) };

        Assert.That(entry.Note, Is.EqualTo("hosts: east of east, west, north"));
    }
}
