using QtsOps.Core.Deployment;
using QtsOps.Core.Fleet;
using QtsOps.Tests.Host;

namespace QtsOps.Tests.Docker;

/// <summary>
/// A canary held on the lab's three hosts in groups of one (<see cref="FleetScratch"/>, issue 24, point 5): deploy --strategy=canary
/// --canary-hold holds it on the first host and stops the rollout there, the others untouched; a deploy is refused while it is held,
/// naming the host; promote ends it on that host and says how the rest gets it, and that deploy takes it to the two others; abort
/// puts the first host back on its stable release, recorded as failed. Four rollouts in all: the tests run in order, each from the
/// state the one before left.
/// </summary>
[TestFixture, Category("Docker"), NonParallelizable, System.Runtime.Versioning.SupportedOSPlatform("linux"), Platform("Linux")]
public class FleetCanaryHoldTests
{
    private FleetScratch _fleet = null!;

    private IReadOnlyList<Lab.Node> Hosts => _fleet.Hosts;

    [OneTimeSetUp]
    public void ThreeHostsOnARelease()
    {
        _fleet = new FleetScratch();
        // Held whatever the verdict: a short window, judged on whatever came.
        _fleet.SetCanary("{\"percent\": 20, \"seconds\": 2, \"maxErrorRate\": 0.05, \"maxLatencyRatio\": 50, \"minRequests\": 1}");

        var first = _fleet.Run("--target=deploy");

        Assert.That(first.ExitCode, Is.Zero, first.Output + first.Error);
        Assert.That(Hosts.Select(FleetScratch.Current).Distinct().Count(), Is.EqualTo(1), "every host runs the first release");
    }

    [OneTimeTearDown]
    public void RemoveEverything() => _fleet?.Dispose();

    [Test, Order(1)]
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

    [Test, Order(2)]
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
}
