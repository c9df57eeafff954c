using QtsOps.Core.Testing;
using System.Text.Json.Nodes;
using QtsOps.Core.Deployment;
using QtsOps.Core.Fleet;
using QtsOps.Tests.Host;

namespace QtsOps.Tests.Docker;

/// <summary>
/// A rollout to the lab's three hosts in groups of one (<see cref="FleetScratch"/>, issue 24, points 3 and 5): a Ctrl-C during
/// the first group lets that host finish and stops before the next; with --strategy=canary the canary runs on the first group's
/// host only, and a client asking every host all through the run sees failures only from that host, while its canary ran;
/// deploy --strategy=canary --canary-hold holds it on the first host and stops the rollout there, the others untouched, a deploy is
/// refused while it is held, naming the host; promote ends it on that host and says how the rest gets it, and that deploy takes it
/// to the two others; abort puts the first host back on its stable release, recorded as failed. One lab and first rollout for all:
/// the tests run in order, each from the state the one before left.
/// </summary>
[TestFixture, Category("Docker"), Category(TestShards.LabCategory), NonParallelizable, System.Runtime.Versioning.SupportedOSPlatform("linux"), Platform("Linux")]
public class FleetInterruptionAndCanaryTests
{
    /// <summary>20% of requests for 6 s: a client asking 20 times a second gives the canary some 24, more than minRequests.</summary>
    private const int Percent = 20;

    private FleetScratch _fleet = null!;
    private string _first = "";

    private IReadOnlyList<Lab.Node> Hosts => _fleet.Hosts;

    [OneTimeSetUp]
    public void ThreeHostsOnARelease()
    {
        _fleet = new FleetScratch();
        _fleet.SetCanary($"{{\"percent\": {Percent}, \"seconds\": 6, \"maxErrorRate\": 0.05, \"maxLatencyRatio\": 50, \"minRequests\": 10}}");

        var first = _fleet.Run("--target=deploy");

        Assert.That(first.ExitCode, Is.Zero, first.Output + first.Error);
        _first = FleetScratch.Current(Hosts[0])!;
        Assert.That(Hosts.Select(FleetScratch.Current), Is.All.EqualTo(_first));
    }

    [OneTimeTearDown]
    public void RemoveEverything() => _fleet?.Dispose();

    [Test, Order(1)]
    public void A_signal_during_the_first_group_lets_its_host_finish_and_verify_and_starts_no_further_group()
    {
        var before = Hosts.Select(FleetScratch.History).Select(h => h.Count).ToList();
        _fleet.Repo.Commit("a release whose rollout is interrupted");
        using var deploy = _fleet.Start(_fleet.Repo, $"[{Hosts[0].Name}] Installed ", "--target=deploy");
        Assert.That(deploy.WaitForLine(TimeSpan.FromMinutes(5)), Is.True, $"the first host's deploy never installed the release: {deploy.Output}");

        deploy.Signal("INT");

        Assert.That(deploy.WaitForExit(TimeSpan.FromMinutes(5)), Is.True, "the rollout did not stop");
        Assert.That(deploy.ExitCode, Is.EqualTo(1), deploy.Output);
        var firstHost = FleetScratch.History(Hosts[0]).Skip(before[0]).ToList();
        Assert.That(firstHost.Select(e => (e.Action, e.Result)), Is.EqualTo(new[] { (HistoryAction.Deploy, HistoryResult.Succeeded), (HistoryAction.Verify, HistoryResult.Succeeded) }),
            $"the host at work when the signal came finished its deploy and verified it: {deploy.Output}");
        var release = firstHost[0].Release;
        Assert.That(release, Is.Not.EqualTo(_first));
        Assert.That(FleetScratch.Current(Hosts[0]), Is.EqualTo(release));
        foreach (var (host, count) in Hosts.Zip(before).Skip(1))
        {
            Assert.That(FleetScratch.History(host), Has.Count.EqualTo(count), $"{host.Name} was not touched");
            Assert.That(FleetScratch.Current(host), Is.EqualTo(_first));
        }
        Assert.That(deploy.Output, Does.Contain($"SIGINT (Ctrl-C) during group 1 of 3: the rollout stopped once that group verified; {Hosts[0].Name} run {release}, {Hosts[1].Name}, {Hosts[2].Name} were not reached"));
        var report = File.ReadAllText(Path.Combine(_fleet.Repo.Root, "artifacts", "reports", "deploy-hosts.md"));
        Assert.That(report, Does.Contain($"| {Hosts[0].Name} | {release} | verified |").And.Contain($"| {Hosts[1].Name} | {_first} | not reached |").And.Contain($"| {Hosts[2].Name} | {_first} | not reached |"));
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(_fleet.Repo.Root, "artifacts", "reports", "deploy-hosts.json")))!;
        Assert.That(json["status"]!.GetValue<string>(), Is.EqualTo("interrupted"));
        Assert.That(_fleet.Run("--target=status").Output, Does.Not.Contain("held by"), "every host's lock was released");
    }

    [Test, Order(2)]
    public void A_canary_that_fails_a_fifth_of_its_requests_fails_requests_only_on_the_first_groups_host_while_it_ran()
    {
        var before = Hosts.Select(FleetScratch.History).Select(h => h.Count).ToList();
        var serving = Hosts.Select(FleetScratch.Current).ToList();
        using var bad = CanaryDeploymentTests.CommitReleaseThatFailsAFifthOfForwardedRequests(_fleet.Repo);
        HostRun run = null!;

        var seen = RequestsDuring.Action(Urls, () => run = _fleet.Run("--target=deploy", "--strategy=canary"));

        Assert.That(run.ExitCode, Is.Not.Zero, run.Output + run.Error);
        Assert.That(run.Error, Does.Contain("was withdrawn: the canary's error rate"));
        AssertCanaryOnTheFirstHostOnly(run.Output);
        var deployed = FleetScratch.History(Hosts[0]).Skip(before[0]).First();
        Assert.That((deployed.Action, deployed.Result), Is.EqualTo((HistoryAction.Deploy, HistoryResult.Failed)));
        Assert.That(Hosts.Select(FleetScratch.Current), Is.EqualTo(serving), "every host runs what it ran before");
        foreach (var (host, count) in Hosts.Zip(before).Skip(1))
            Assert.That(FleetScratch.History(host), Has.Count.EqualTo(count), $"{host.Name} was not reached");
        Assert.That(seen[0].Failed, Is.GreaterThan(0), "the canary's 500s reached the client");
        Assert.That(seen[0].Failures, Is.All.EndsWith(" 500"), "every failure is the canary's own answer: no refused or timed-out request");
        foreach (var failure in seen[0].Failures)
            Assert.That(TimeSpan.Parse(failure[..12]), Is.InRange(deployed.StartedAt.UtcDateTime.TimeOfDay, deployed.FinishedAt.UtcDateTime.TimeOfDay),
                $"{failure}: failed outside the first host's deploy, which ran the canary ({deployed.StartedAt:HH:mm:ss.fff} to {deployed.FinishedAt:HH:mm:ss.fff})");
        RequestsDuring.AssertNoneFailed(seen.Skip(1));
    }

    [Test, Order(3)]
    public void A_good_canary_is_promoted_on_the_first_groups_host_and_the_other_hosts_take_it_start_first_without_a_failed_request()
    {
        _fleet.Repo.Commit("a good canary for the fleet");
        HostRun run = null!;

        var seen = RequestsDuring.Action(Urls, () => run = _fleet.Run("--target=deploy", "--strategy=canary"));

        Assert.That(run.ExitCode, Is.Zero, run.Output + run.Error);
        AssertCanaryOnTheFirstHostOnly(run.Output);
        Assert.That(run.Output, Does.Contain($"[{Hosts[0].Name}] The canary's window: ").And.Contain("Verdict: promote"));
        var release = FleetScratch.Current(Hosts[0]);
        Assert.That(Hosts.Select(FleetScratch.Current), Is.All.EqualTo(release));
        Assert.That(seen[0].AnsweredBy, Has.Count.GreaterThanOrEqualTo(2), "the first host's client was answered by both releases during the canary");
        RequestsDuring.AssertNoneFailed(seen);
    }

    [Test, Order(4)]
    public void A_canary_held_on_the_first_host_stops_the_rollout_refuses_a_deploy_and_once_promoted_the_deploy_takes_it_to_the_others()
    {
        var (stable, canary, before, held) = HoldACanary("a canary held on the first host");

        Assert.That(File.Exists(HeldCanaryFile(Hosts[0])), Is.True, "the first host keeps its held canary");
        Assert.That(FleetScratch.History(Hosts[0]), Has.Count.EqualTo(before[0]), "the held canary's deploy is recorded when it is ended");
        AssertUntouched(Hosts.Skip(1), before.Skip(1), stable);
        Assert.That(held.Output, Does.Contain($"{Hosts[0].Name} holds a canary of {canary} (--canary-hold) and the rollout stops there; " +
            $"{Hosts[1].Name}, {Hosts[2].Name} were not reached and still run their previous release. End the canary with ./build.sh --target=promote"));
        Assert.That(Report("deploy-hosts"), Does.Contain($"| {Hosts[0].Name} | {canary} | canary held |")
            .And.Contain($"| {Hosts[1].Name} | {stable} | not reached |").And.Contain($"| {Hosts[2].Name} | {stable} | not reached |"));
        var status = _fleet.Run("--target=status");
        Assert.That(status.ExitCode, Is.Zero, status.Output + status.Error);
        var sections = Report("status").Split("\n## ");
        Assert.That(sections.Single(s => s.StartsWith(Hosts[0].Name + "\n")), Does.Contain($"a canary is held: {canary} in "), "status shows the canary under its host");
        Assert.That(sections.Where(s => s.StartsWith(Hosts[1].Name + "\n") || s.StartsWith(Hosts[2].Name + "\n")), Has.All.Not.Contain("a canary is held"));

        var refused = _fleet.Run("--target=deploy", "--strategy=canary");

        Assert.That(refused.ExitCode, Is.Not.Zero, refused.Output);
        Assert.That(refused.Error, Does.Contain("Preflight of 'fleet' failed on 1 of 3 hosts").And.Contain($"\n{Hosts[0].Name}: Preflight of 'fleet' on ssh://root@{Hosts[0].Address} failed")
            .And.Contain($"Cannot deploy on fleet (ssh://root@{Hosts[0].Address}) while a canary is held: {canary} in ").And.Contain("--target=promote or --target=abort first"));
        Assert.That(Hosts.Select(FleetScratch.History).Select(h => h.Count), Is.EqualTo(before), "the refused deploy changed no host");

        var promoted = _fleet.Run("--target=promote");

        Assert.That(promoted.ExitCode, Is.Zero, promoted.Output + promoted.Error);
        var recorded = FleetScratch.History(Hosts[0]).Skip(before[0]).Single();
        Assert.That((recorded.Action, recorded.Result, recorded.Release), Is.EqualTo((HistoryAction.Deploy, HistoryResult.Succeeded, canary)));
        Assert.That(recorded.Detail, Does.StartWith("canary promoted with --target=promote"));
        Assert.That(FleetScratch.Current(Hosts[0]), Is.EqualTo(canary));
        Assert.That(File.Exists(HeldCanaryFile(Hosts[0])), Is.False, "no canary is held any more");
        AssertUntouched(Hosts.Skip(1), before.Skip(1), stable);
        Assert.That(promoted.Output, Does.Contain($"{Hosts[0].Name} now run {canary}; {Hosts[1].Name}, {Hosts[2].Name} held no canary and still run their release: " +
            $"./build.sh --target=deploy --strategy=canary of the same commit, without --canary-hold, rolls {canary} out to them"));
        Assert.That(Report("promote-hosts"), Does.Contain($"| {Hosts[0].Name} | {canary} | promoted |").And.Contain($"| {Hosts[1].Name} | {stable} | no canary held |"));

        var rest = _fleet.Run("--target=deploy", "--strategy=canary");

        Assert.That(rest.ExitCode, Is.Zero, rest.Output + rest.Error);
        Assert.That(Hosts.Select(FleetScratch.Current), Is.All.EqualTo(canary));
        Assert.That(Report("deploy-hosts"), Does.Contain($"| {Hosts[0].Name} | {canary} | already ran it |")
            .And.Contain($"| {Hosts[1].Name} | {canary} | verified |").And.Contain($"| {Hosts[2].Name} | {canary} | verified |"));
        Assert.That(rest.Output, Does.Not.Contain("The canary takes "), "the promoted host skips it, the later groups take it start-first");
    }

    [Test, Order(5)]
    public void A_canary_held_on_the_first_host_is_aborted_and_the_host_serves_its_stable_release_alone_again()
    {
        var (stable, canary, before, _) = HoldACanary("a canary held, then aborted");

        var aborted = _fleet.Run("--target=abort");

        Assert.That(aborted.ExitCode, Is.Zero, aborted.Output + aborted.Error);
        Assert.That(aborted.Output, Does.Contain($"{Hosts[0].Name} withdrew the canary of {canary}, recorded as failed, and run their previous release again; " +
            $"{Hosts[1].Name}, {Hosts[2].Name} held no canary and were left alone"));
        var recorded = FleetScratch.History(Hosts[0]).Skip(before[0]).Single();
        Assert.That((recorded.Action, recorded.Result, recorded.Release), Is.EqualTo((HistoryAction.Deploy, HistoryResult.Failed, canary)));
        Assert.That(recorded.Detail, Does.StartWith("canary aborted with --target=abort"));
        Assert.That(FleetScratch.Current(Hosts[0]), Is.EqualTo(stable));
        Assert.That(File.Exists(HeldCanaryFile(Hosts[0])), Is.False);
        AssertUntouched(Hosts.Skip(1), before.Skip(1), stable);
        Assert.That(Report("abort-hosts"), Does.Contain($"| {Hosts[0].Name} | {stable} | aborted |"));
        // The split is gone: a fifth of these would reach the canary's stopped slot if the edge still split.
        var answers = Enumerable.Range(0, 30).Select(_ => DeploymentPipelineTests.Get($"http://{Hosts[0].Address}:8000/health")).ToList();
        Assert.That(answers.Select(a => a.Status), Is.All.EqualTo(200));
        Assert.That(answers.Select(a => a.Body), Is.All.Contain(stable.Split('_')[0]), "the stable release takes every request");

        var again = _fleet.Run("--target=abort");

        Assert.That(again.ExitCode, Is.Not.Zero);
        Assert.That(again.Error, Does.Contain($"No canary is held on any host of 'fleet' ({string.Join(", ", Hosts.Select(h => h.Name))}): there is nothing to abort"));
    }

    /// <summary>A new commit deployed --strategy=canary --canary-hold: the release the hosts ran, the canary's, each host's history length before.</summary>
    private (string Stable, string Canary, List<int> HistoryBefore, HostRun Run) HoldACanary(string version)
    {
        var stable = FleetScratch.Current(Hosts[0])!;
        var before = Hosts.Select(FleetScratch.History).Select(h => h.Count).ToList();
        _fleet.Repo.Commit(version);
        var held = _fleet.Run("--target=deploy", "--strategy=canary", "--canary-hold");
        Assert.That(held.ExitCode, Is.Zero, held.Output + held.Error);
        var canary = FleetScratch.Current(Hosts[0])!;
        Assert.That(canary, Is.Not.EqualTo(stable), "the first host runs the canary's release");
        return (stable, canary, before, held);
    }

    private static string HeldCanaryFile(Lab.Node host) => Path.Combine(FleetScratch.Folder(host), "deploy", "edge", HeldCanary.Folder, HeldCanary.File);

    private static void AssertUntouched(IEnumerable<Lab.Node> hosts, IEnumerable<int> historyCounts, string release)
    {
        foreach (var (host, count) in hosts.Zip(historyCounts))
        {
            Assert.That(FleetScratch.History(host), Has.Count.EqualTo(count), $"{host.Name} was not touched");
            Assert.That(FleetScratch.Current(host), Is.EqualTo(release), host.Name);
            Assert.That(File.Exists(HeldCanaryFile(host)), Is.False, $"{host.Name} holds no canary");
        }
    }

    private string Report(string name) => File.ReadAllText(Path.Combine(_fleet.Repo.Root, "artifacts", "reports", name + ".md"));

    private IEnumerable<string> Urls => Hosts.Select(host => $"http://{host.Address}:8000/health");

    /// <summary>The canary's window opened once in the run, on the first group's host (its lines carry the host's name).</summary>
    private void AssertCanaryOnTheFirstHostOnly(string output)
    {
        var windows = output.Split('\n').Where(line => line.Contains("The canary takes ")).ToList();
        Assert.That(windows, Has.Count.EqualTo(1), output);
        Assert.That(windows[0], Does.Contain($"[{Hosts[0].Name}]"));
    }
}
