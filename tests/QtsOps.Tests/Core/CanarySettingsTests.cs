using QtsOps.Core.Environments;
using QtsOps.Core.Fleet;

namespace QtsOps.Tests.Core;

/// <summary>environments.json's "canary" (issue 24, point 5): its five keys, each error at its line.</summary>
[Category("Core")]
public class CanarySettingsTests
{
    private const string Good = "{\"percent\": 10, \"seconds\": 60, \"maxErrorRate\": 0.01, \"maxLatencyRatio\": 2.0, \"minRequests\": 50}";

    private static string WithCanary(string canary, string where = "\"description\": \"One engine, as before\",") =>
        FleetEnvironmentTests.Sample.With(where, $"{where}\n    \"canary\": {canary},");

    [Test]
    public void Canary_reads_its_five_keys_and_is_null_when_not_set()
    {
        var environments = FleetEnvironmentTests.Parse(WithCanary(Good));

        Assert.That(environments["local"].Canary, Is.EqualTo(new CanarySettings(10, 60, 0.01, 2.0, 50)));
        Assert.That(environments["sites"].Canary, Is.Null);
    }

    [Test]
    public void Canary_in_defaults_is_every_hosts()
    {
        var sites = FleetEnvironmentTests.Parse(WithCanary(Good, "\"port\": 8000,"))["sites"];

        Assert.That(sites.Hosts.Select(h => h.Environment.Canary), Is.All.EqualTo(new CanarySettings(10, 60, 0.01, 2.0, 50)));
    }

    [TestCase("\"percent\": 10", "\"percent\": 0", "$.local.canary.percent: must be a whole number from 1 to 99 (got 0)")]
    [TestCase("\"percent\": 10", "\"percent\": 12.5", "$.local.canary.percent: must be a whole number from 1 to 99 (got 12.5)")]
    [TestCase("\"maxErrorRate\": 0.01", "\"maxErrorRate\": 2", "$.local.canary.maxErrorRate: must be a number from 0 to 1 (got 2)")]
    [TestCase("\"maxLatencyRatio\": 2.0", "\"maxLatencyRatio\": \"2\"", "$.local.canary.maxLatencyRatio: must be a number from 1 to 100 (got \"2\")")]
    [TestCase("\"minRequests\": 50", "\"minRequests\": 50, \"window\": 3", "$.local.canary.window: unknown setting 'window'")]
    [TestCase("\"seconds\": 60, ", "", "$.local.canary: 'seconds' is missing from \"canary\"")]
    [TestCase("\"seconds\": 60", "\"seconds\": 60.5", "$.local.canary.seconds: must be a whole number from 1 to 3600 (got 60.5)")]
    [TestCase("\"minRequests\": 50", "\"minRequests\": 50.5", "$.local.canary.minRequests: must be a whole number from 1 to 1000000 (got 50.5)")]
    public void A_wrong_canary_is_refused_at_its_line(string text, string replacement, string message)
    {
        var json = WithCanary(Good.Replace(text, replacement));

        var problem = EnvironmentsSample.Refusal(json).Problems.Single();

        Assert.That(problem.Message, Is.EqualTo(message));
        Assert.That(problem.Line, Is.EqualTo(EnvironmentsSample.LineOf(json, "\"canary\"")));
    }

    [TestCase("{\"percent\": 1, \"seconds\": 1, \"maxErrorRate\": 0, \"maxLatencyRatio\": 1, \"minRequests\": 1}", 1, 1, 0.0, 1.0, 1)]
    [TestCase("{\"percent\": 99, \"seconds\": 3600, \"maxErrorRate\": 1, \"maxLatencyRatio\": 100, \"minRequests\": 1000000}", 99, 3600, 1.0, 100.0, 1_000_000)]
    public void A_canary_is_taken_at_the_bounds_of_each_key(string canary, int percent, int seconds, double maxErrorRate, double maxLatencyRatio, int minRequests) =>
        Assert.That(FleetEnvironmentTests.Parse(WithCanary(canary))["local"].Canary, Is.EqualTo(new CanarySettings(percent, seconds, maxErrorRate, maxLatencyRatio, minRequests)));

    [Test]
    public void A_wrong_or_missing_canary_key_says_what_to_write()
    {
        var missing = EnvironmentsSample.Refusal(WithCanary(Good.Replace("\"seconds\": 60, ", ""))).Problems.Single();
        var wrong = EnvironmentsSample.Refusal(WithCanary(Good.Replace("\"percent\": 10", "\"percent\": \"10\""))).Problems.Single();

        Assert.That(missing.Fix, Is.EqualTo($"add \"seconds\": a whole number from 1 to 3600 (write \"canary\": {Good})"));
        Assert.That(wrong.Fix, Is.EqualTo("write \"percent\": a whole number from 1 to 99, without quotes"));
    }

    [Test]
    public void A_canary_that_is_not_an_object_is_refused_at_its_line()
    {
        var json = WithCanary("10");

        var problem = EnvironmentsSample.Refusal(json).Problems.Single();

        Assert.That(problem.Message, Is.EqualTo("$.local.canary: must be an object (got 10)"));
        Assert.That(problem.Line, Is.EqualTo(EnvironmentsSample.LineOf(json, "\"canary\"")));
    }

    [Test]
    public void Canary_is_refused_on_a_swarm()
    {
        var json = WithCanary(Good, "\"description\": \"One engine, as before\",\n    \"dockerHost\": null,")
            .Replace("\"description\": \"One engine, as before\",", "\"description\": \"One engine, as before\",\n    \"engine\": \"swarm\", \"replicas\": 1, \"updateParallelism\": 1, \"updateDelaySeconds\": 0, \"monitorSeconds\": 5, \"updateOrder\": \"start-first\",")
            .Replace("\"containerName\": \"qts-observer\",", "").Replace("\"bind\": \"0.0.0.0\",", "").Replace("\"strategy\": \"start-first\",", "");

        var problems = EnvironmentsSample.Refusal(json).Problems;

        Assert.That(problems.Select(p => p.Message), Has.Some.StartWith("$.local.canary: 'canary' means nothing on a swarm: a swarm has no edge to split requests at"));
    }
}
