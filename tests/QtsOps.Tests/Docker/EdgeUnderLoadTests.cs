using System.Text.Json;
using HealthPoller = QtsOps.Tests.Docker.StartFirstDeploymentTests.HealthPoller;

namespace QtsOps.Tests.Docker;

/// <summary>
/// start-first deploys, one after another, while three clients ask /health through the edge 25 times a
/// second each (the load under which a good release was once rolled back: verify's request got the
/// edge's 504 right after the switch, while the old slot was being stopped): no client request fails,
/// and no deploy rolls back.
/// </summary>
[TestFixture, Category("Docker"), NonParallelizable]
public class EdgeUnderLoadTests
{
    private const int Deploys = 6;

    private StartFirstCheckout _checkout = null!;
    private ObserverRepository Repo => _checkout.Repo;

    [OneTimeSetUp]
    public void StartScratchCheckout() => _checkout = new StartFirstCheckout();

    [OneTimeTearDown]
    public void RemoveContainersImagesAndFolders() => _checkout?.Dispose();

    [Test]
    public void Deploys_under_three_polling_clients_fail_no_request_and_roll_nothing_back()
    {
        var first = Repo.Run("--target=deploy", "--target=verify");
        Assert.That(first.ExitCode, Is.Zero, first.Output + first.Error);

        for (var deploy = 1; deploy <= Deploys; deploy++)
        {
            Repo.Commit($"version {deploy} under load");
            // A failure is an answer other than 200 or none at all (the edge's 502 or 504 within its 2 s connect timeout), not a slow
            // answer: this shared 2-core machine runs at a load of 40 and more, where one answer in a thousand can take over 2 s.
            var clients = Enumerable.Range(0, 3).Select(_ => new HealthPoller(Repo.HealthUrl, TimeSpan.FromMilliseconds(40), TimeSpan.FromSeconds(10))).ToList();
            var run = Repo.Run("--target=deploy", "--target=verify");
            var seen = clients.Select(client => client.Stop()).ToList();
            clients.ForEach(client => client.Dispose());

            var edgeLog = $"{Timeline()}\n{ObserverRepository.Docker("logs", "--timestamps", "--tail", "20", $"{Repo.Container}-edge").Error}";
            Assert.That(run.ExitCode, Is.Zero, $"deploy {deploy}: {run.Output}{run.Error}\nedge: {edgeLog}");
            Assert.That(run.Output + run.Error, Does.Not.Contain("Rolling back"), $"deploy {deploy}");
            Assert.That(seen.Sum(client => client.Failed), Is.Zero,
                $"deploy {deploy}: failed requests of {seen.Sum(client => client.Requests)}: {string.Join(" | ", seen.SelectMany(client => client.Failures).Take(5))}\nedge: {edgeLog}");
            Assert.That(seen.All(client => client.Requests > 20), Is.True, "each client asked all along");
            // The slot that served is stopped after verify judged, never beside it.
            var drained = deploy % 2 == 1 ? "a" : "b";
            using var report = JsonDocument.Parse(File.ReadAllText(Path.Combine(Repo.Root, "artifacts", "reports", "verify.json")));
            var finished = DateTimeOffset.Parse(ObserverRepository.Docker("inspect", "-f", "{{.State.FinishedAt}}", $"{Repo.Container}-{drained}").Output.Single());
            Assert.That(finished, Is.GreaterThan(report.RootElement.GetProperty("checkedAt").GetDateTimeOffset()), $"deploy {deploy}: {drained} stopped after verify");
        }
    }

    /// <summary>When each slot last started and stopped, to set a failed request against.</summary>
    private string Timeline() => string.Join("; ", new[] { "a", "b" }.Select(slot =>
        $"{slot}: " + string.Join(" ", ObserverRepository.Docker("inspect", "-f", "started {{.State.StartedAt}} finished {{.State.FinishedAt}}", $"{Repo.Container}-{slot}").Output)));
}
