using System.Text.Json.Nodes;
using QtsOps.Core.Deployment;
using QtsOps.Tests.Host;

namespace QtsOps.Tests.Docker;

/// <summary>
/// A rollout to the lab's three hosts in groups of one (<see cref="FleetScratch"/>, issue 24, points 3 and 5): a Ctrl-C during
/// the first group lets that host finish and stops before the next; with --strategy=canary the canary runs on the first group's
/// host only, and a client asking every host all through the run sees failures only from that host, while its canary ran.
/// The tests run in order, each from the state the one before left.
/// </summary>
[TestFixture, Category("Docker"), NonParallelizable, System.Runtime.Versioning.SupportedOSPlatform("linux"), Platform("Linux")]
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

    private IEnumerable<string> Urls => Hosts.Select(host => $"http://{host.Address}:8000/health");

    /// <summary>The canary's window opened once in the run, on the first group's host (its lines carry the host's name).</summary>
    private void AssertCanaryOnTheFirstHostOnly(string output)
    {
        var windows = output.Split('\n').Where(line => line.Contains("The canary takes ")).ToList();
        Assert.That(windows, Has.Count.EqualTo(1), output);
        Assert.That(windows[0], Does.Contain($"[{Hosts[0].Name}]"));
    }
}
