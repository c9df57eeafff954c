using QtsOps.Core.Testing;
using QtsOps.Core.Deployment;
using QtsOps.Core.Fleet;

namespace QtsOps.Tests.Docker;

/// <summary>
/// The pipeline on an environment of three independent hosts over ssh (issue 24, points 2 to 4; <see cref="FleetScratch"/>),
/// rolled out one host at a time as the lab's file says. Each host keeps its own history in its deploy directory, which is
/// what the tests read. The tests run in order, each from the state the one before left.
/// </summary>
[TestFixture, Category("Docker"), Category(TestShards.LabCategory), NonParallelizable, System.Runtime.Versioning.SupportedOSPlatform("linux"), Platform("Linux")]
public class FleetRolloutTests
{
    private FleetScratch _fleet = null!;
    private string _first = "";

    [OneTimeSetUp]
    public void StartLabAndScratchRepository() => _fleet = new FleetScratch();

    [OneTimeTearDown]
    public void RemoveEverything() => _fleet?.Dispose();

    private IReadOnlyList<Lab.Node> Hosts => _fleet.Hosts;

    private string Report(string name) => File.ReadAllText(Path.Combine(_fleet.Repo.Root, "artifacts", "reports", $"{name}.md"));

    [Test, Order(1)]
    public void A_rollout_in_groups_of_one_deploys_and_verifies_each_host_in_turn()
    {
        var run = _fleet.Run();

        Assert.That(run.ExitCode, Is.Zero, run.Output + run.Error);
        var histories = Hosts.Select(FleetScratch.History).ToList();
        foreach (var (host, history) in Hosts.Zip(histories))
            Assert.That(history.Select(e => (e.Action, e.Result)), Is.EqualTo(new[] { (HistoryAction.Deploy, HistoryResult.Succeeded), (HistoryAction.Verify, HistoryResult.Succeeded) }),
                $"{host.Name} keeps its own history: one deploy and one verify");
        _first = histories[0][0].Release;
        Assert.That(histories.Select(h => h[0].Release), Is.All.EqualTo(_first));
        for (var index = 1; index < histories.Count; index++)
            Assert.That(histories[index][0].StartedAt, Is.GreaterThanOrEqualTo(histories[index - 1][1].FinishedAt),
                $"{Hosts[index].Name}'s deploy started only once {Hosts[index - 1].Name} had verified");
        Assert.That(run.Output, Does.Contain($"group 1 of 3 verified ({Hosts[0].Name}); next: {Hosts[1].Name}"));
        Assert.That(run.Output, Does.Contain("Every host of the run was verified by this run's rollout"), "the verify target does not verify them twice");
        foreach (var host in Hosts)
        {
            Assert.That(run.Output, Does.Contain($"[{host.Name}] Preflight of 'fleet' passed"), "each host's lines name it");
            Assert.That(Report("deploy-hosts"), Does.Contain($"| {host.Name} | {_first} | verified |"), "one row per host");
            Assert.That(Report($"deploy.{host.Name}"), Does.Contain($"runs healthy in").And.Contain(host.Address), "each host's own deploy report");
            Assert.That(Report($"verify.{host.Name}"), Does.Contain(_first), "each host's own verify report");
        }
        Assert.That(File.Exists(Path.Combine(_fleet.Repo.Root, "artifacts", "reports", "deploy.md")), Is.False, "no host's report is written over another's");
    }

    [Test, Order(2)]
    public void A_release_that_fails_on_the_second_host_leaves_all_three_on_the_old_release_and_the_run_names_the_host()
    {
        Assert.That(_first, Is.Not.Empty, "the first rollout ran");
        var second = Hosts[1];
        var run = DeployWhileTheSecondHostRefusesReleases("a release the second host cannot run");

        Assert.That(run.ExitCode, Is.Not.Zero, run.Text);
        Assert.That(run.Text, Does.Contain($"failed on {second.Name}").And.Contain($"{Hosts[0].Name} go back to their last verified release"));
        Assert.That(Hosts.Select(FleetScratch.Current), Is.All.EqualTo(_first), $"every host runs the old release again: {run.Text}");
        var failed = FleetScratch.History(Hosts[0])[2].Release;
        Assert.That(failed, Is.Not.EqualTo(_first));
        Assert.That(FleetScratch.History(Hosts[0]).Skip(2).Select(e => (e.Action, e.Result, e.Release)), Does.Contain((HistoryAction.Rollback, HistoryResult.Succeeded, _first)),
            "the first host, switched and verified, was rolled back");
        Assert.That(FleetScratch.History(second).Skip(2).Select(e => (e.Action, e.Result, e.Release)), Does.Contain((HistoryAction.Deploy, HistoryResult.Failed, failed)));
        Assert.That(FleetScratch.History(Hosts[2]), Has.Count.EqualTo(2), "the third host was never reached");
        Assert.That(Report("deploy-hosts"), Does.Contain($"| {Hosts[2].Name} | {_first} | not reached |"));
    }

    [Test, Order(3)]
    public void Without_rollback_a_release_that_fails_on_the_second_host_stays_on_the_first_and_status_shows_which_host_runs_what()
    {
        var second = Hosts[1];
        var run = DeployWhileTheSecondHostRefusesReleases("a release the second host cannot run, deployed without rollback", "--no-rollback");

        Assert.That(run.ExitCode, Is.Not.Zero, run.Text);
        var release = FleetScratch.Current(Hosts[0])!;
        Assert.That(release, Is.Not.EqualTo(_first), $"the first host keeps the release it verified: {run.Text}");
        Assert.That(run.Text, Does.Contain($"{release} failed on {second.Name}; rollback is off, so the environment is mixed: {Hosts[0].Name} on {release}, {second.Name}, {Hosts[2].Name} on their previous release"));
        Assert.That(FleetScratch.History(second).Last(), Has.Property(nameof(HistoryEntry.Result)).EqualTo(HistoryResult.Failed));
        Assert.That(new[] { second, Hosts[2] }.Select(FleetScratch.Current), Is.All.EqualTo(_first), "the second host's failed release never took its traffic; the third was not reached");

        var status = _fleet.Run("--target=status");

        Assert.That(status.Output, Does.Contain($"Drift: the hosts do not run the same release: {Hosts[0].Name} on {release}; {second.Name}, {Hosts[2].Name} on {_first}."), status.Output + status.Error);
        var back = _fleet.Run("--target=rollback", $"--hosts={Hosts[0].Name}");
        Assert.That(back.ExitCode, Is.Zero, back.Output + back.Error);
        Assert.That(Hosts.Select(FleetScratch.Current), Is.All.EqualTo(_first), "rollback on the first host ends the mix");
    }

    [Test, Order(4)]
    public void A_run_on_some_hosts_says_so_and_status_shows_a_table_of_hosts_with_the_drift()
    {
        _fleet.Repo.Commit("a release for the first host only");
        var deploy = _fleet.Run("--target=deploy", $"--hosts={Hosts[0].Name}");
        Assert.That(deploy.ExitCode, Is.Zero, deploy.Output + deploy.Error);
        var release = FleetScratch.Current(Hosts[0])!;
        Assert.That(Report("deploy-hosts"), Does.Contain($"This run worked on 1 of 3 hosts (--hosts): {Hosts[0].Name}; not on {Hosts[1].Name}, {Hosts[2].Name}."));
        var subset = new HostSubset([Hosts[0].Name], [.. Hosts.Select(h => h.Name)]);
        Assert.That(FleetScratch.History(Hosts[0]).Where(e => e.Release == release).Select(e => (e.Action, e.Hosts)),
            Is.EqualTo(new[] { (HistoryAction.Deploy, subset), (HistoryAction.Verify, subset) }), "the host's own history says the run was on some hosts only");

        var status = _fleet.Run("--target=status");

        Assert.That(status.ExitCode, Is.Zero, status.Output + status.Error);
        Assert.That(status.Output, Does.Contain($"Drift: the hosts do not run the same release: {Hosts[0].Name} on {release}; {Hosts[1].Name}, {Hosts[2].Name} on {_first}."));
        Assert.That(status.Output, Does.Contain($"| {Hosts[0].Name} | {release} | healthy |").And.Contain($"| {Hosts[2].Name} | {_first} | healthy |"));
        Assert.That(status.Output, Does.Contain($"{subset}"), "status shows it in the host's history");
    }

    [Test, Order(5)]
    public void Rollback_puts_each_selected_host_back_to_its_own_last_verified_release()
    {
        var run = _fleet.Run("--target=rollback", $"--hosts={Hosts[0].Name}");

        Assert.That(run.ExitCode, Is.Zero, run.Output + run.Error);
        Assert.That(Hosts.Select(FleetScratch.Current), Is.All.EqualTo(_first));
        Assert.That(Report("rollback-hosts"), Does.Contain($"| {Hosts[0].Name} | {_first} | rolled back |"));
        Assert.That(_fleet.Run("--target=status").Output, Does.Contain($"Every host read runs {_first}."));
    }

    [Test, Order(6)]
    public void Two_concurrent_rollouts_to_the_same_hosts_both_end_one_waiting_for_or_refused_by_the_locks()
    {
        _fleet.Repo.Commit("a release two runs roll out at once");
        using var second = _fleet.Checkout();
        // A release of its own: its version (the commits' count) is not the scratch clone's.
        second.Commit("the second checkout's release");
        using var one = _fleet.Start(_fleet.Repo, "Rolling ", "--target=deploy");
        using var two = _fleet.Start(second, "Rolling ", "--target=deploy");

        Assert.That(one.WaitForExit(TimeSpan.FromMinutes(10)) && two.WaitForExit(TimeSpan.FromMinutes(10)), Is.True, "both runs ended");
        var outcomes = new[] { (one.ExitCode, one.Output), (two.ExitCode, two.Output) };
        Assert.That(outcomes.Count(o => o.ExitCode == 0), Is.GreaterThanOrEqualTo(1), string.Join("\n-----\n", outcomes.Select(o => o.Output)));
        foreach (var (exitCode, output) in outcomes.Where(o => o.ExitCode != 0))
            Assert.That(output, Does.Contain("Another deploy to 'fleet' is running"), "the other one was refused by a host's lock, before it changed anything");
        var release = FleetScratch.Current(Hosts[0]);
        Assert.That(Hosts.Select(FleetScratch.Current), Is.All.EqualTo(release), "a rollout that ran reached every host, and the hosts are not mixed");
        Assert.That(outcomes.Where(o => o.ExitCode == 0).Select(o => o.Output), Has.Some.Contain($"{release} verified on every host"), "the hosts run what a run that succeeded rolled out");
        Assert.That(_fleet.Run("--target=status").Output, Does.Not.Contain("held by"), "every lock was released");
    }

    [Test, Order(7)]
    public void The_preflight_lists_every_host_s_problem_in_one_error_and_nothing_starts_anywhere()
    {
        var before = Hosts.Select(FleetScratch.History).Select(h => h.Count).ToList();
        _fleet.Repo.Commit("a release two locked hosts keep out");
        // Another process holds the deploy lock of the first and the third host (an flock on the lock file, as a deploy's holds it).
        var lockers = new[] { Hosts[0], Hosts[2] }.Select(host => System.Diagnostics.Process.Start("flock",
            [Path.Combine(FleetScratch.Folder(host), "deploy", ".qtsops", "locks", "qts-observer.lock"), "sleep", "600"])).ToList();
        HostRunResult run;
        try
        {
            var result = _fleet.Run("--target=deploy");
            run = new(result.ExitCode, result.Output + result.Error);
        }
        finally
        {
            foreach (var locker in lockers)
            {
                // The whole tree: flock's sleep holds the lock too, and the tests after this one take it.
                locker.Kill(entireProcessTree: true);
                locker.WaitForExit();
            }
        }

        Assert.That(run.ExitCode, Is.Not.Zero, run.Text);
        Assert.That(run.Text, Does.Contain("Preflight of 'fleet' failed on 2 of 3 hosts; nothing was built, pushed, applied or deployed on any host"));
        Assert.That(run.Text, Does.Contain($"{Hosts[0].Name}: Preflight of 'fleet'").And.Contain($"{Hosts[2].Name}: Preflight of 'fleet'"), "each host's problem, named");
        Assert.That(Hosts.Select(FleetScratch.History).Select(h => h.Count), Is.EqualTo(before), "no host's history changed");
    }

    [Test, Order(8)]
    public void Restore_puts_each_host_s_own_newest_backup_in_place_on_every_host_and_verifies_each()
    {
        // A file each host's data did not have when its newest backup was made: a restore moves it aside with that data.
        var markers = Hosts.Select(host => Path.Combine(FleetScratch.Folder(host), "data", "not-in-the-backup")).ToList();
        foreach (var marker in markers) File.WriteAllText(marker, "after the backup\n");

        var run = _fleet.Run("--target=restore");

        Assert.That(run.ExitCode, Is.Zero, run.Output + run.Error);
        Assert.That(markers.Where(File.Exists), Is.Empty, "every host's data is its backup's");
        foreach (var host in Hosts)
        {
            var history = FleetScratch.History(host);
            var restore = history.Last(e => e.Action == HistoryAction.Restore);
            Assert.That((restore.Result, history[^1].Action), Is.EqualTo((HistoryResult.Succeeded, HistoryAction.Verify)), $"{host.Name} restored and verified");
            var archive = restore.Detail!.Split(' ')[0];
            Assert.That(File.Exists(Path.Combine(FleetScratch.Folder(host), "backups", archive)), Is.True, $"{host.Name} restored its own backup {archive}");
            Assert.That(Report("restore-hosts"), Does.Contain($"| {host.Name} | {FleetScratch.Current(host)} | restored |"));
            Assert.That(Report($"restore.{host.Name}"), Does.Contain(archive), "each host's own restore report");
        }
    }

    [Test, Order(9)]
    public void Releases_lists_each_host_s_installed_releases_and_backups_in_one_table_and_the_dashboard_has_a_part_per_host()
    {
        var run = _fleet.Run("--target=releases");

        Assert.That(run.ExitCode, Is.Zero, run.Output + run.Error);
        foreach (var host in Hosts)
        {
            Assert.That(Report("releases"), Does.Contain($"| {host.Name} | {FleetScratch.Current(host)} | "), $"{host.Name}'s current release, led by its name");
            Assert.That(Report("releases").Split('\n').Count(line => line.StartsWith($"| {host.Name} | ") && line.EndsWith("| current |")), Is.EqualTo(1), $"{host.Name} has one current release");
            Assert.That(Report("releases"), Does.Contain($"| {host.Name} | The backups are on "), $"{host.Name}'s backups are named where they are");
        }

        var dashboard = _fleet.Run("--target=dashboard");

        Assert.That(dashboard.ExitCode, Is.Zero, dashboard.Output + dashboard.Error);
        var page = File.ReadAllText(Path.Combine(_fleet.Repo.Root, "artifacts", "dashboard", "index.html"));
        foreach (var host in Hosts)
            Assert.That(page, Does.Contain($"<section id=\"env-fleet/{host.Name}\"").And.Contain(FleetScratch.Current(host)), $"the dashboard has a part for {host.Name}");
    }

    [Test, Order(10)]
    public void Down_takes_every_host_down_under_its_lock_and_records_it_in_each_host_s_history()
    {
        var some = _fleet.Run("--target=down", $"--hosts={Hosts[2].Name}");
        Assert.That(some.ExitCode, Is.Zero, some.Output + some.Error);
        Assert.That(FleetScratch.History(Hosts[2])[^1], Has.Property("Action").EqualTo(HistoryAction.Down).And.Property("Hosts").EqualTo(new HostSubset([Hosts[2].Name], [.. Hosts.Select(h => h.Name)])));
        Assert.That(FleetScratch.History(Hosts[0])[^1].Action, Is.Not.EqualTo(HistoryAction.Down), "a host left out stays up");

        var run = _fleet.Run("--target=down");

        Assert.That(run.ExitCode, Is.Zero, run.Output + run.Error);
        foreach (var host in Hosts)
        {
            Assert.That(FleetScratch.History(host)[^1], Has.Property("Action").EqualTo(HistoryAction.Down).And.Property("Result").EqualTo(HistoryResult.Succeeded), host.Name);
            Assert.That(Report("down-hosts"), Does.Contain($"| {host.Name} | {FleetScratch.Current(host)} | down |"), "one row per host");
        }
        var status = _fleet.Run("--target=status");
        foreach (var host in Hosts) Assert.That(status.Output, Does.Contain($"| {host.Name} | {FleetScratch.Current(host)} | no container |"), $"{host.Name} runs nothing");
        Assert.That(status.Output, Does.Not.Contain("held by"), "every lock was released");
    }

    private sealed record HostRunResult(int ExitCode, string Text);

    /// <summary>A deploy of a new commit while the second host's own configuration is one the service refuses (an interval of 0): a release started there exits at once. The configuration is put back after.</summary>
    private HostRunResult DeployWhileTheSecondHostRefusesReleases(string commit, params string[] arguments)
    {
        var config = FleetScratch.ConfigFile(Hosts[1]);
        var good = File.ReadAllText(config);
        File.WriteAllText(config, "{ \"interval_seconds\": 0 }\n");
        try
        {
            _fleet.Repo.Commit(commit);
            var result = _fleet.Run(["--target=deploy", .. arguments]);
            return new(result.ExitCode, result.Output + result.Error);
        }
        finally
        {
            File.WriteAllText(config, good);
        }
    }
}
