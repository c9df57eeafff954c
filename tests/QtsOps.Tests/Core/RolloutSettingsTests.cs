using QtsOps.Core.Environments;
using QtsOps.Core.Fleet;

namespace QtsOps.Tests.Core;

/// <summary>environments.json's "rollout" (issue 24, point 3): group size as a count or a percentage, the wait between groups.</summary>
[Category("Core")]
public class RolloutSettingsTests
{
    private const string HostsLine = "\"memoryLimitMb\": 768,";

    private static string WithRollout(string rollout, string where = HostsLine) => FleetEnvironmentTests.Sample.With(where, $"{where}\n    \"rollout\": {rollout},");

    [Test]
    public void Without_rollout_an_environment_of_hosts_goes_one_host_at_a_time_and_one_engine_has_none()
    {
        var environments = FleetEnvironmentTests.Parse(FleetEnvironmentTests.Fixture);

        Assert.That(environments["sites"].Rollout, Is.EqualTo(RolloutSettings.OneAtATime));
        Assert.That(environments["sites"].Hosts.Select(h => h.Environment.Rollout), Is.All.EqualTo(RolloutSettings.OneAtATime));
        Assert.That(environments["local"].Rollout, Is.Null);
    }

    [TestCase("{\"groupSize\": 2, \"waitSeconds\": 30}", 2, null, 30)]
    [TestCase("{\"groupSize\": \"34%\"}", null, 34, 0)]
    [TestCase("{\"groupSize\": \"100%\", \"waitSeconds\": 0}", null, 100, 0)]
    [TestCase("{\"groupSize\": 1, \"waitSeconds\": 3600}", 1, null, 3600)]
    public void Rollout_reads_a_count_or_a_percentage(string rollout, int? count, int? percent, int wait) =>
        Assert.That(FleetEnvironmentTests.Parse(WithRollout(rollout))["sites"].Rollout, Is.EqualTo(new RolloutSettings(count, percent, wait)));

    [Test]
    public void Rollout_in_defaults_is_taken_by_the_environments_with_hosts()
    {
        var environments = FleetEnvironmentTests.Parse(WithRollout("{\"groupSize\": \"50%\"}", "\"port\": 8000,"));

        Assert.That((environments["sites"].Rollout, environments["local"].Rollout), Is.EqualTo((new RolloutSettings(null, 50, 0), (RolloutSettings?)null)));
    }

    [TestCase("{\"groupSize\": 0}", "$.sites.rollout.groupSize: must be a whole number of hosts from 1, or a percentage from \"1%\" to \"100%\" (got 0)")]
    [TestCase("{\"groupSize\": \"0%\"}", "$.sites.rollout.groupSize: must be a whole number of hosts from 1, or a percentage from \"1%\" to \"100%\" (got \"0%\")")]
    [TestCase("{\"groupSize\": \"150%\"}", "$.sites.rollout.groupSize: must be a whole number of hosts from 1, or a percentage from \"1%\" to \"100%\" (got \"150%\")")]
    [TestCase("{\"waitSeconds\": -1}", "$.sites.rollout.waitSeconds: must be a whole number from 0 to 3600 (got -1)")]
    [TestCase("{\"waitSeconds\": 3601}", "$.sites.rollout.waitSeconds: must be a whole number from 0 to 3600 (got 3601)")]
    [TestCase("{\"groupsize\": 1}", "$.sites.rollout.groupsize: unknown setting 'groupsize'")]
    [TestCase("1", "$.sites.rollout: must be an object (got 1)")]
    public void A_wrong_rollout_is_refused_at_its_line(string rollout, string message)
    {
        var json = WithRollout(rollout);

        var problem = EnvironmentsSample.Refusal(json).Problems.Single();

        Assert.That(problem.Message, Is.EqualTo(message));
        Assert.That(problem.Line, Is.EqualTo(EnvironmentsSample.LineOf(json, "\"rollout\"")));
    }

    [Test]
    public void Rollout_of_an_environment_of_one_engine_is_refused()
    {
        var json = WithRollout("{\"groupSize\": 1}", "\"description\": \"One engine, as before\",");

        var problem = EnvironmentsSample.Refusal(json).Problems.Single();

        Assert.That(problem.Message, Is.EqualTo("$.local.rollout: 'rollout' means something only for an environment that lists \"hosts\""));
        Assert.That(problem.Fix, Is.EqualTo("remove it, or list the environment's hosts in \"hosts\""));
    }

    // Each environment's read starts afresh: the one with hosts read before it does not make its rollout one it may have.
    [Test]
    public void Rollout_of_an_environment_of_one_engine_is_refused_after_one_with_hosts_too()
    {
        // "solo" is the fixture's "local" (its folders its own) with a rollout, after "sites" and its hosts.
        var fixture = FleetEnvironmentTests.Sample.Text;
        var localStart = fixture.IndexOf("  \"local\": {", StringComparison.Ordinal);
        var local = fixture[localStart..fixture.IndexOf("\n  }", localStart, StringComparison.Ordinal)];
        var solo = local.Replace("\"local\": {", "\"solo\": {\n    \"rollout\": {\"groupSize\": 1},").Replace("/local", "/solo");
        var json = FleetEnvironmentTests.Sample.With("    ]\n  }\n}", $"    ]\n  }},\n{solo}\n  }}\n}}");

        var problem = EnvironmentsSample.Refusal(json).Problems.Single();

        Assert.That(problem.Message, Is.EqualTo("$.solo.rollout: 'rollout' means something only for an environment that lists \"hosts\""));
    }

    [Test]
    public void A_wait_in_quotes_is_refused_saying_to_write_it_without()
    {
        var problem = EnvironmentsSample.Refusal(WithRollout("{\"waitSeconds\": \"30\"}")).Problems.Single();

        Assert.That((problem.Message, problem.Fix), Is.EqualTo(("$.sites.rollout.waitSeconds: must be a whole number from 0 to 3600 (got \"30\")", "write \"waitSeconds\": 0, without quotes")));
    }
}
