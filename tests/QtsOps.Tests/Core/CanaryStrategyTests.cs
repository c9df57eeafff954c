using QtsOps.Core.Deployment;
using QtsOps.Core.Environments;
using QtsOps.Core.Fleet;

namespace QtsOps.Tests.Core;

/// <summary>"strategy": "canary" (issue 24, point 5): it runs behind the edge as start-first does, and needs "canary" settings (the sample sets its strategy in "defaults").</summary>
[Category("Core")]
public class CanaryStrategyTests
{
    private const string Canary = "\"canary\": {\"percent\": 10, \"seconds\": 60, \"maxErrorRate\": 0.01, \"maxLatencyRatio\": 2.0, \"minRequests\": 50},";

    private static string WithCanaryStrategy(string beside = "") =>
        FleetEnvironmentTests.Sample.With("\"strategy\": \"start-first\",", $"\"strategy\": \"canary\",{beside}");

    [Test]
    public void Canary_is_a_strategy_with_its_settings_and_runs_behind_the_edge()
    {
        var local = FleetEnvironmentTests.Parse(WithCanaryStrategy("\n    " + Canary))["local"];

        Assert.That((local.Strategy, local.Canary), Is.EqualTo((DeployStrategy.Canary, new CanarySettings(10, 60, 0.01, 2.0, 50))));
        Assert.That((DeployStrategies.Parse("canary"), DeployStrategies.Name(DeployStrategy.Canary)), Is.EqualTo((DeployStrategy.Canary, "canary")));
        Assert.That(DeployStrategies.Names.Select(DeployStrategies.Parse).Select(s => s!.Value.UsesEdge()), Is.EqualTo(new[] { true, false, true }), "start-first, recreate, canary");
    }

    [Test]
    public void Canary_without_its_settings_is_refused_at_the_strategys_line()
    {
        var json = WithCanaryStrategy();

        var problem = EnvironmentsSample.Refusal(json).Problems.Single();

        Assert.That(problem.Message, Is.EqualTo("$.defaults.strategy: \"strategy\": \"canary\" needs a \"canary\" object: the share of requests, the window and the thresholds (inherited by local, sites)"));
        Assert.That(problem.Fix, Does.StartWith("add \"canary\": {\"percent\": 10"));
        Assert.That(problem.Line, Is.EqualTo(EnvironmentsSample.LineOf(json, "\"strategy\": \"canary\"")));
    }
}
