using System.Text.Json.Nodes;
using System.Text.Json;
using QtsOps.Core.Deployment;
using QtsOps.Core.Fleet;
using QtsOps.Tests.Host;
using HealthPoller = QtsOps.Tests.Docker.StartFirstDeploymentTests.HealthPoller;

namespace QtsOps.Tests.Docker;

/// <summary>
/// --strategy=canary against the real engine and edge (issue 24, point 5), on one host: a release that answers 500 to a fifth of
/// the requests it gets is withdrawn and the stable one keeps serving; a Ctrl-C during the window withdraws too; a good one is
/// promoted. A client asks /health all the while: it sees failures only from the canary's own share, and none once withdrawn.
/// The tests run in order, each from the state the last left.
/// </summary>
[TestFixture, Category("Docker"), NonParallelizable]
public class CanaryDeploymentTests
{
    /// <summary>20% of requests for 6 s: a client asking 20 times a second gives the canary some 24, more than minRequests.</summary>
    private const int Percent = 20;

    private StartFirstCheckout _checkout = null!;
    private ObserverRepository Repo => _checkout.Repo;
    private string _stable = "";

    private string Slot(string letter) => $"{Repo.Container}-{letter}";

    [OneTimeSetUp]
    public void ACanaryEnvironmentWithAReleaseThatServes()
    {
        _checkout = new StartFirstCheckout();
        var path = Path.Combine(Repo.Root, "environments.json");
        var environments = JsonNode.Parse(File.ReadAllText(path))!;
        environments["local"]!["strategy"] = "canary";
        environments["local"]![CanarySettings.Key] = JsonNode.Parse($"{{\"percent\": {Percent}, \"seconds\": 6, \"maxErrorRate\": 0.05, \"maxLatencyRatio\": 50, \"minRequests\": 10}}");
        File.WriteAllText(path, environments.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        Repo.Commit("strategy canary");

        var first = Repo.Run("--target=deploy");

        Assert.That(first.ExitCode, Is.Zero, first.Output + first.Error);
        Assert.That(first.Output, Does.Contain("No release serves local yet"), "the first release has nothing to be a canary beside");
        _stable = Release(Slot("a"));
    }

    [OneTimeTearDown]
    public void RemoveWhatTheRunsMade() => _checkout?.Dispose();

    [Test, Order(1)]
    public void A_canary_that_fails_a_fifth_of_its_requests_is_withdrawn_and_the_stable_release_keeps_serving()
    {
        using var bad = CommitReleaseThatFailsAFifthOfForwardedRequests(Repo);

        using var client = new HealthPoller(Repo.HealthUrl);
        var run = Repo.Run("--target=deploy");
        var seen = client.Stop();

        Assert.That(run.ExitCode, Is.Not.Zero, run.Output);
        Assert.That(run.Error, Does.Contain($"The canary in {Slot("b")} was withdrawn: the canary's error rate").And.Contain("stable: ").And.Contain("; canary: "));
        Assert.That(run.Error, Does.Contain($"{_stable} still serves in {Slot("a")}"));
        Assert.That(run.Output, Does.Contain($"The edge ({Repo.Container}-edge) sends {Percent}% of requests to {Slot("b")}"));
        Assert.That((State(Slot("a")), Release(Slot("a"))), Is.EqualTo(("running", _stable)), "the stable release still serves");
        Assert.That(State(Slot("b")), Is.EqualTo("exited"), "the withdrawn canary is stopped");
        var canary = Release(Slot("b"));
        Assert.That(seen.AnsweredBy.Keys, Is.EquivalentTo(new[] { _stable, canary }), "the canary took a share of the requests");
        Assert.That(seen.Failed, Is.GreaterThan(0), "the canary's 500s reached the client");
        Assert.That(seen.Failures, Is.All.EndsWith(" 500"), "every failure is the canary's own answer: no refused or timed-out request");
        Assert.That(seen.Failed, Is.LessThanOrEqualTo(seen.Requests * Percent / 100), "no more failures than the canary's share of the requests");
        var failed = LastHistoryEntry();
        Assert.That((failed.Result, failed.Release), Is.EqualTo((HistoryResult.Failed, canary)));
        Assert.That(failed.Detail, Does.Contain("was withdrawn").And.Contain("errors ("));
        Assert.That(File.ReadAllText(Path.Combine(Repo.Root, "artifacts", "reports", "deploy.md")), Does.Contain("was withdrawn").And.Contain("canary: "));

        using var after = new HealthPoller(Repo.HealthUrl);
        Thread.Sleep(TimeSpan.FromSeconds(2));
        var afterwards = after.Stop();
        Assert.That((afterwards.Failed, afterwards.AnsweredBy.Keys.Single()), Is.EqualTo((0, _stable)), "once withdrawn, only the stable release answers");
    }

    [Test, Order(2)]
    public void A_signal_during_the_canarys_window_withdraws_it()
    {
        Repo.Commit("a version interrupted as a canary");
        using var client = new HealthPoller(Repo.HealthUrl);
        using var deploy = new PipelineProcess(Repo.Root, "The canary takes", "--target=deploy");
        Assert.That(deploy.WaitForLine(TimeSpan.FromMinutes(3)), Is.True, $"the canary's window never began: {deploy.Output}");

        deploy.Signal("INT");

        Assert.That(deploy.WaitForExit(TimeSpan.FromMinutes(2)), Is.True, "the deploy did not stop");
        var seen = client.Stop();
        Assert.That(deploy.ExitCode, Is.EqualTo(1), deploy.Output);
        Assert.That(deploy.Output, Does.Contain("Withdrew the canary").And.Contain($"{_stable} still serves in {Slot("a")}"));
        Assert.That((State(Slot("a")), Release(Slot("a")), State(Slot("b"))), Is.EqualTo(("running", _stable, "exited")));
        Assert.That(LastHistoryEntry().Result, Is.EqualTo(HistoryResult.Interrupted));
        Assert.That(seen.Failed, Is.Zero, $"a good canary fails nothing: {string.Join(" | ", seen.Failures.Take(5))}");
    }

    [Test, Order(3)]
    public void A_good_canary_is_promoted_and_the_stable_slot_is_stopped()
    {
        Repo.Commit("a good canary");

        using var client = new HealthPoller(Repo.HealthUrl);
        var run = Repo.Run("--target=deploy");
        var seen = client.Stop();

        Assert.That(run.ExitCode, Is.Zero, run.Output + run.Error);
        var promoted = Release(Slot("b"));
        Assert.That(promoted, Is.Not.EqualTo(_stable));
        Assert.That(run.Output, Does.Contain("Verdict: promote").And.Contain($"The edge ({Repo.Container}-edge) forwards to {Slot("b")}"));
        Assert.That(File.ReadAllText(Path.Combine(Repo.Root, "artifacts", "reports", "deploy.md")), Does.Contain("Canary promoted: ").And.Contain("stable: ").And.Contain("; canary: "));
        Assert.That((State(Slot("b")), State(Slot("a"))), Is.EqualTo(("running", "exited")), "the stable slot is stopped once the canary takes every request");
        Assert.That(seen.Failed, Is.Zero, $"failed requests of {seen.Requests}: {string.Join(" | ", seen.Failures.Take(5))}");
        Assert.That(seen.AnsweredBy.Keys, Is.EquivalentTo(new[] { _stable, promoted }));
        Assert.That(DeploymentPipelineTests.Get(Repo.HealthUrl).Body, Does.Contain(promoted.Split('_')[0]));
        var deployed = LastHistoryEntry();
        Assert.That((deployed.Action, deployed.Result, deployed.Release), Is.EqualTo((HistoryAction.Deploy, HistoryResult.Succeeded, promoted)));
    }

    [Test, Order(4)]
    public void A_held_canary_is_shown_and_aborted_from_a_second_checkout_and_the_stable_release_takes_every_request_again()
    {
        var (stable, canary, held) = HoldACanary("a canary held for a look");
        Assert.That(held.Output, Does.Contain($"Held, as --canary-hold asked: a canary is held: {canary} in {Slot("a")} takes {Percent}% of requests beside {stable} in {Slot("b")}"));
        Assert.That(File.ReadAllText(Path.Combine(Repo.Root, "artifacts", "reports", "deploy.md")), Does.Contain("Canary held (--canary-hold): it would be ").And.Contain("; canary: "));
        Assert.That((State(Slot("a")), State(Slot("b"))), Is.EqualTo(("running", "running")), "both sides keep running");
        var refused = Repo.Run("--target=deploy", "--force-deploy");
        Assert.That(refused.ExitCode, Is.EqualTo(1), refused.Output);
        Assert.That(refused.Error, Does.Contain("while a canary is held").And.Contain("--target=promote or --target=abort"));

        using var second = SecondCheckout();
        var status = second.Run("--target=status");
        Assert.That(status.ExitCode, Is.Zero, status.Output + status.Error);
        Assert.That(File.ReadAllText(Path.Combine(second.Root, "artifacts", "reports", "status.md")), Does.Contain($"| canary | a canary is held: {canary} in {Slot("a")}"));
        using var client = new HealthPoller(Repo.HealthUrl);
        var aborted = second.Run("--target=abort");
        Thread.Sleep(TimeSpan.FromSeconds(1));
        var seen = client.Stop();

        Assert.That(aborted.ExitCode, Is.Zero, aborted.Output + aborted.Error);
        Assert.That(aborted.Output, Does.Contain($"Aborted the canary: {stable} in {Slot("b")} takes every request again"));
        Assert.That((State(Slot("b")), State(Slot("a"))), Is.EqualTo(("running", "exited")));
        Assert.That(DeploymentPipelineTests.Get(Repo.HealthUrl).Body, Does.Contain(stable.Split('_')[0]));
        Assert.That(seen.Failed, Is.Zero, $"failed requests of {seen.Requests}: {string.Join(" | ", seen.Failures.Take(5))}");
        var recorded = Support.HistoryFile.Entries(Path.Combine(second.StateDirectory, "history", "local.jsonl")).Last();
        Assert.That((recorded.Result, recorded.Release), Is.EqualTo((HistoryResult.Failed, canary)));
        Assert.That(recorded.Detail, Does.StartWith("canary aborted with --target=abort; its window: it would be "));
        Assert.That(new FileInfo(Path.Combine(Repo.DeployDirectory, "current")).LinkTarget, Does.EndWith(stable), "the stable release is current again");
        var again = second.Run("--target=abort");
        Assert.That(again.ExitCode, Is.EqualTo(1));
        Assert.That(again.Error, Does.Contain("No canary is held on local").And.Contain("nothing to abort"));
    }

    [Test, Order(5)]
    public void A_held_canary_is_promoted_from_a_second_checkout()
    {
        var (_, canary, _) = HoldACanary("a canary held, then promoted");

        using var second = SecondCheckout();
        using var client = new HealthPoller(Repo.HealthUrl);
        var promoted = second.Run("--target=promote");
        Thread.Sleep(TimeSpan.FromSeconds(1));
        var seen = client.Stop();

        Assert.That(promoted.ExitCode, Is.Zero, promoted.Output + promoted.Error);
        Assert.That(promoted.Output, Does.Contain($"Promoted the canary: {canary} in {Slot("a")} takes every request; {Slot("b")} is stopped"));
        Assert.That((State(Slot("a")), State(Slot("b"))), Is.EqualTo(("running", "exited")));
        Assert.That(DeploymentPipelineTests.Get(Repo.HealthUrl).Body, Does.Contain(canary.Split('_')[0]));
        Assert.That(seen.Failed, Is.Zero, $"failed requests of {seen.Requests}: {string.Join(" | ", seen.Failures.Take(5))}");
        var recorded = Support.HistoryFile.Entries(Path.Combine(second.StateDirectory, "history", "local.jsonl")).Last();
        Assert.That((recorded.Action, recorded.Result, recorded.Release), Is.EqualTo((HistoryAction.Deploy, HistoryResult.Succeeded, canary)));
        Assert.That(Directory.Exists(Path.Combine(Repo.DeployDirectory, "edge", HeldCanary.Folder)), Is.False, "no canary is held any more");
    }

    [Test, Order(6)]
    public void While_a_canary_is_held_the_preflight_of_a_deploy_rollback_restore_and_down_refuse_naming_the_host_and_promote_or_abort()
    {
        // The canary takes the slot that does not serve now.
        var (stableSlot, canarySlot) = State(Slot("a")) == "running" ? (Slot("a"), Slot("b")) : (Slot("b"), Slot("a"));
        var stable = Release(stableSlot);
        HoldACanary("a canary held while other targets are tried");
        var canary = Release(canarySlot);
        var history = Support.HistoryFile.Entries(Path.Combine(Repo.StateDirectory, "history", "local.jsonl")).Count;

        var deploy = Repo.Run("--target=deploy", "--force-deploy");
        var rollback = Repo.Run("--target=rollback");
        var restore = Repo.Run("--target=restore");
        var down = Repo.Run("--target=down");

        Assert.That(deploy.ExitCode, Is.EqualTo(1), deploy.Output);
        Assert.That(deploy.Error, Does.Contain("Preflight of 'local'").And.Contain("Cannot deploy on local (").And.Contain("nothing was built"), "refused before the image is built");
        foreach (var (run, change) in new[] { (rollback, "roll back"), (restore, "restore "), (down, "take it down") })
        {
            Assert.That(run.ExitCode, Is.EqualTo(1), run.Output);
            Assert.That(run.Error, Does.Contain($"Cannot {change}").And.Contain("on local (").And.Contain($"while a canary is held: {canary} in {canarySlot}")
                .And.Contain("--target=promote or --target=abort first"));
        }
        Assert.That((State(canarySlot), State(stableSlot), Release(stableSlot)), Is.EqualTo(("running", "running", stable)), "the canary and the stable release both still serve");
        Assert.That(canary, Is.Not.EqualTo(stable));
        Assert.That(Support.HistoryFile.Entries(Path.Combine(Repo.StateDirectory, "history", "local.jsonl")), Has.Count.EqualTo(history), "nothing was recorded");

        var aborted = Repo.Run("--target=abort");

        Assert.That(aborted.ExitCode, Is.Zero, aborted.Output + aborted.Error);
    }

    /// <summary>A new version deployed with --canary-hold into slot a, beside the stable release in slot b.</summary>
    private (string Stable, string Canary, HostRun Run) HoldACanary(string version)
    {
        var stable = Release(Slot("b"));
        Repo.Commit(version);
        var held = Repo.Run("--target=deploy", "--canary-hold");
        Assert.That(held.ExitCode, Is.Zero, held.Output + held.Error);
        return (stable, Release(Slot("a")), held);
    }

    /// <summary>A second checkout of the repository, on another machine as it were: the same names, port and deploy directory (the host's), its own history and lock.</summary>
    private ObserverRepository SecondCheckout()
    {
        var registry = JsonNode.Parse(File.ReadAllText(Path.Combine(Repo.Root, "environments.json")))!["local"]!["registry"]?.GetValue<string>() ?? "";
        var second = new ObserverRepository(registry);
        second.ShareTargetWith(Repo);
        var path = Path.Combine(second.Root, "environments.json");
        var environments = JsonNode.Parse(File.ReadAllText(path))!;
        environments["local"]!["strategy"] = "start-first";
        environments["local"]!["deployDirectory"] = Repo.DeployDirectory;
        File.WriteAllText(path, environments.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        second.Commit("the first checkout's host and deploy directory");
        return second;
    }

    /// <summary>
    /// Commits a service that answers 500 to every fifth /health request forwarded by the edge (X-Forwarded-For), so its own health
    /// check and the check before traffic (asked inside the container) pass; disposing puts the good service back, committed.
    /// </summary>
    internal static IDisposable CommitReleaseThatFailsAFifthOfForwardedRequests(ObserverRepository repo)
    {
        var service = Path.Combine(repo.Root, "src", "observer", "src", "qts_observer", "service.py");
        var good = File.ReadAllText(service);
        const string Answer = "        ok, body = self.server.health()\n";
        Assert.That(good, Does.Contain(Answer));
        File.WriteAllText(service, good.Replace(Answer,
            "        if self.headers.get(\"X-Forwarded-For\"):\n" +
            "            HealthHandler.forwarded = getattr(HealthHandler, \"forwarded\", 0) + 1\n" +
            "            if HealthHandler.forwarded % 5 == 0:\n" +
            "                self._send_json(500, {\"status\": \"a canary that fails a fifth of its requests\"})\n" +
            "                return\n" + Answer));
        repo.Commit("a release that fails a fifth of its requests");
        return new GoodService(repo, service, good);
    }

    private sealed class GoodService(ObserverRepository repository, string service, string good) : IDisposable
    {
        public void Dispose()
        {
            File.WriteAllText(service, good);
            repository.Commit("the good service again");
        }
    }

    private HistoryEntry LastHistoryEntry() => Support.HistoryFile.Entries(Path.Combine(Repo.StateDirectory, "history", "local.jsonl")).Last();

    private static string? State(string container) =>
        ObserverRepository.Docker("inspect", "-f", "{{.State.Status}}", container) is { ExitCode: 0 } found ? found.Output.Single().Trim() : null;

    private static string Release(string container) =>
        string.Join("", ObserverRepository.Docker("inspect", "-f", "{{index .Config.Labels \"io.qtsops.release\"}}", container).Output).Trim();
}
