using QtsOps.Core.Deployment;
using QtsOps.Core.Fleet;

namespace QtsOps.Tests.Core;

/// <summary>A run on several hosts in its report (one row per host, a subset said) and status (a table of hosts, drift called out).</summary>
[Category("Core")]
public class HostTableTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 6, 15, 0, 0, TimeSpan.Zero);

    private static DeploymentStatus Running(string release, string health = "healthy") => new("fleet", "ssh://root@east", release,
        new RunningContainer("qts-observer-a", "running", health, At, 0, "sha256:1", null, new DeploymentOwner(null, null, release, null), true),
        null, new LockState(false, null), [new HistoryEntry { Action = HistoryAction.Verify, Result = HistoryResult.Succeeded, Version = release, Release = release, StartedAt = At, FinishedAt = At }]);

    [Test]
    public void The_report_has_a_row_per_host_and_says_which_hosts_a_subset_left_out()
    {
        var markdown = HostTable.Markdown("deploy-hosts", "fleet", "1.2.0 verified on every host: east", [new HostRow("east", "1.2.0", "verified", TimeSpan.FromSeconds(12.34))], ["west", "north"]);

        Assert.That(markdown, Does.Contain("| east | 1.2.0 | verified | 12.3 s |  |"));
        Assert.That(markdown, Does.Contain("This run worked on 1 of 3 hosts (--hosts): east; not on west, north."));
        Assert.That(HostTable.Markdown("deploy-hosts", "fleet", "done", [new HostRow("east", null, "deploy failed", null, "a|b")], null),
            Does.Contain("| east | ? | deploy failed |  | a\\|b |").And.Not.Contain("--hosts"));
    }

    [Test]
    public void The_report_is_a_heading_the_summary_the_subset_and_the_table()
    {
        HostRow[] rows = [new("east", "1.2.0", "verified", TimeSpan.FromSeconds(3))];
        const string Table = "| host | release | outcome | duration | detail |\n|---|---|---|---|---|\n| east | 1.2.0 | verified | 3.0 s |  |\n";

        Assert.That(HostTable.Markdown("deploy", "fleet", "done", rows, ["west"]),
            Is.EqualTo("# deploy: fleet\n\ndone.\n\nThis run worked on 1 of 2 hosts (--hosts): east; not on west.\n\n" + Table));
        Assert.That(HostTable.Markdown("deploy", "fleet", "done", rows, []), Is.EqualTo("# deploy: fleet\n\ndone.\n\n" + Table));
        Assert.That(HostTable.Markdown("deploy", "fleet", "done", rows, null), Is.EqualTo("# deploy: fleet\n\ndone.\n\n" + Table));
    }

    [Test]
    public void A_host_with_nothing_installed_or_running_says_so_in_status_and_releases()
    {
        var empty = new DeploymentStatus("fleet", "ssh://root@east", null, null, null, new LockState(false, null), []);
        var installed = new ReleaseListing("fleet", [new InstalledRelease("1.2.0", "1.2.0", At, At, IsCurrent: true)], [], null);

        var status = HostTable.Status("fleet", [("east", empty, null), ("south", null, "ssh: connection refused")]);
        var releases = HostTable.Releases("fleet", [("east", installed, null), ("south", null, "ssh: connection refused")]);

        Assert.That(status, Does.Contain("Every host read runs nothing (south could not be read)."));
        Assert.That(status, Does.Contain("| east | none | no container |  | no history |\n| south | ? | unreadable | | ssh: connection refused |\n"));
        Assert.That(releases, Does.Contain("| south | ? | | | unreadable: ssh: connection refused | |\n"));
        Assert.That(releases, Does.EndWith("|---|---|---|---|---|\n| east | none yet: each deploy makes one | | | |\n"));
    }

    [Test]
    public void The_subset_line_names_the_hosts_worked_on_and_those_left_out_and_is_empty_for_a_run_on_every_host()
    {
        Assert.That(HostTable.Subset(["east", "west"], ["north"]), Is.EqualTo("This run worked on 2 of 3 hosts (--hosts): east, west; not on north.\n"));
        Assert.That(HostTable.Subset(["east"], null), Is.Empty);
        Assert.That(HostTable.Subset(["east"], []), Is.Empty);
    }

    [Test]
    public void Releases_is_one_table_of_every_host_s_releases_and_one_of_their_backups_each_row_led_by_its_host()
    {
        var east = new ReleaseListing("fleet", [new InstalledRelease("1.2.0", "1.2.0", At, At, IsCurrent: true), new InstalledRelease("1.1.0", "1.1.0", At.AddDays(-1), null, IsCurrent: false)],
            [new BackupListed("before-1.2.0.tar.gz", 2048, At, "abc")], null);
        var west = new ReleaseListing("fleet", [], [], "The backups are on west in /srv/backups.");

        var markdown = HostTable.Releases("fleet", [("east", east, null), ("west", west, null), ("north", null, "ssh: no route")]);

        Assert.That(markdown, Does.Contain("| host | release | version | installed | verified | |\n|---|---|---|---|---|---|\n"));
        Assert.That(markdown, Does.Contain("| east | 1.2.0 | 1.2.0 | 2026-12-06 15:00:00Z | yes, 2026-12-06 15:00:00Z | current |"));
        Assert.That(markdown, Does.Contain("| east | 1.1.0 | 1.1.0 | 2026-12-05 15:00:00Z | never |  |"));
        Assert.That(markdown, Does.Contain("| west | none installed yet |").And.Contain("| north | ? | | | unreadable: ssh: no route | |"));
        Assert.That(markdown, Does.Contain("| host | backup | size | written | SHA-256 |\n|---|---|---|---|---|\n| east | before-1.2.0.tar.gz | 2 KB | 2026-12-06 15:00:00Z | abc |"));
        Assert.That(markdown, Does.Contain("| west | The backups are on west in /srv/backups. |"));
    }

    [Test]
    public void Status_calls_out_hosts_not_on_the_same_release_and_those_it_could_not_read()
    {
        (string, DeploymentStatus?, string?)[] hosts = [("east", Running("1.2.0"), null), ("west", Running("1.1.0", "starting"), null), ("north", Running("1.2.0"), null), ("south", null, "ssh: no route")];

        var markdown = HostTable.Status("fleet", hosts);

        Assert.That(markdown, Does.Contain("Drift: the hosts do not run the same release: east, north on 1.2.0; west on 1.1.0 (south could not be read)."));
        Assert.That(markdown, Does.Contain("| west | 1.1.0 | starting | 2026-12-06 15:00:00Z | verify 1.1.0 succeeded at 2026-12-06 15:00:00Z |"));
        Assert.That(markdown, Does.Contain("| south | ? | unreadable | | ssh: no route |"));
        Assert.That(HostTable.Drift([("east", Running("1.2.0"), null), ("west", Running("1.2.0"), null)]), Is.EqualTo("Every host read runs 1.2.0."));
        Assert.That(HostTable.Drift([("east", null, "ssh: no route"), ("west", null, "ssh: refused")]), Is.EqualTo("No host could be read (east, west could not be read)."));
    }
}
