using System.Text.Json.Nodes;
using System.Text.Json;
using QtsOps.Core.Deployment;
using QtsOps.Core.Fleet;
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
        using var bad = CommitReleaseThatFailsAFifthOfForwardedRequests();

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

    /// <summary>
    /// Commits a service that answers 500 to every fifth /health request forwarded by the edge (X-Forwarded-For), so its own health
    /// check and the check before traffic (asked inside the container) pass; disposing puts the good service back, committed.
    /// </summary>
    private IDisposable CommitReleaseThatFailsAFifthOfForwardedRequests()
    {
        var service = Path.Combine(Repo.Root, "src", "observer", "src", "qts_observer", "service.py");
        var good = File.ReadAllText(service);
        const string Answer = "        ok, body = self.server.health()\n";
        Assert.That(good, Does.Contain(Answer));
        File.WriteAllText(service, good.Replace(Answer,
            "        if self.headers.get(\"X-Forwarded-For\"):\n" +
            "            HealthHandler.forwarded = getattr(HealthHandler, \"forwarded\", 0) + 1\n" +
            "            if HealthHandler.forwarded % 5 == 0:\n" +
            "                self._send_json(500, {\"status\": \"a canary that fails a fifth of its requests\"})\n" +
            "                return\n" + Answer));
        Repo.Commit("a release that fails a fifth of its requests");
        return new GoodService(Repo, service, good);
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
