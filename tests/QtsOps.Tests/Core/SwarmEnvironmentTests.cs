using QtsOps.Core.Deployment;
using QtsOps.Core.Environments;
using QtsOps.Core.Fleet;
using QtsOps.Core.Swarm;

namespace QtsOps.Tests.Core;

/// <summary>
/// environments.json's engine keys (issue 23, point 2): "engine" compose (the default) or swarm, and a
/// swarm's replicas or global mode, placement and rollout, through "defaults" as every key; each error at
/// the line of the key wherever it is written, and a key that means nothing on an engine refused there.
/// </summary>
[Category("Core")]
public class SwarmEnvironmentTests
{
    private static readonly EnvironmentsSample Sample = new(SwarmStackInputs.FixtureFile);

    private static string Fixture => Sample.Text;

    private static IReadOnlyDictionary<string, DeploymentEnvironment> Parse(string json) => EnvironmentsSample.Parse(json);

    private static SettingsFileException Refusal(string json) => EnvironmentsSample.Refusal(json);

    private static int LineOf(string json, string text) => EnvironmentsSample.LineOf(json, text);

    private static string With(string text, string replacement) => Sample.With(text, replacement);

    [Test]
    public void A_swarm_environment_reads_its_mode_placement_and_rollout_and_the_compose_ones_stay_compose()
    {
        var environments = Parse(Fixture);

        var cluster = environments["cluster"];
        Assert.That(cluster.Engine, Is.EqualTo(DeploymentEngine.Swarm));
        Assert.That(cluster.Swarm, Is.EqualTo(new SwarmSettings
        {
            Replicas = 2, Placement = ["node.labels.site==east", "node.role!=manager"],
            UpdateParallelism = 1, UpdateDelaySeconds = 5, MonitorSeconds = 10, UpdateOrder = UpdateOrder.StartFirst,
        }));
        // What compose's keys named is what the swarm does: the service, every address, the order.
        Assert.That((cluster.ContainerName, cluster.Bind, cluster.Strategy), Is.EqualTo(("qts-observer_qts-observer", "0.0.0.0", DeployStrategy.StartFirst)));
        Assert.That(environments.Where(e => e.Key != "cluster").Select(e => (e.Value.Engine, e.Value.Swarm)), Is.All.EqualTo((DeploymentEngine.Compose, (SwarmSettings?)null)));
        Assert.That(cluster.Swarm!.GetHashCode(), Is.EqualTo(Parse(Fixture)["cluster"].Swarm!.GetHashCode()), "two environments read alike hash alike");
        Assert.That((EngineKeys.Name(DeploymentEngine.Swarm), EngineKeys.Name(DeploymentEngine.Compose)), Is.EqualTo(("swarm", "compose")));
    }

    [Test]
    public void Engine_compose_written_out_is_the_default()
    {
        var json = With("\"description\": \"The Docker engine of this machine; the default environment\",",
            "\"description\": \"The Docker engine of this machine; the default environment\",\n    \"engine\": \"compose\",");

        Assert.That(Parse(json)["local"], Is.EqualTo(Parse(Fixture)["local"]));
    }

    [Test]
    public void Global_mode_runs_without_replicas_and_refuses_them()
    {
        Assert.That(Parse(With("\"replicas\": 2,", "\"mode\": \"global\","))["cluster"].Swarm!.Global, Is.True);

        var json = With("\"replicas\": 2,", "\"mode\": \"global\",\n    \"replicas\": 2,");
        var problem = Refusal(json).Problems.Single();

        Assert.That((problem.Line, problem.Message), Is.EqualTo(((int?)LineOf(json, "\"replicas\": 2"),
            "$.cluster.replicas: means nothing with \"mode\": \"global\", which runs one task on every node the placement allows")));
        Assert.That(problem.Fix, Is.EqualTo("remove \"replicas\", or write \"mode\": \"replicated\" to run that many tasks"));
        Assert.That(Parse(With("\"replicas\": 2,", "\"mode\": \"replicated\",\n    \"replicas\": 2,"))["cluster"].Swarm, Is.EqualTo(Parse(Fixture)["cluster"].Swarm), "replicated is the default mode");
    }

    // What defaults write for compose (bind, strategy, canary) is not taken by a swarm: it publishes on every address and rolls out in its update order.
    [Test]
    public void A_swarm_takes_none_of_the_compose_keys_in_defaults_and_stop_first_is_a_recreate()
    {
        var json = With("\"updateOrder\": \"start-first\",", "\"updateOrder\": \"stop-first\",")
            .Replace("\"bind\": \"0.0.0.0\",", "\"bind\": \"10.1.2.3\",")
            .Replace("\"defaults\": {", $"\"defaults\": {{\n    \"canary\": {CanarySettings.Example},");

        var cluster = Parse(json)["cluster"];

        Assert.That((cluster.Bind, cluster.Strategy, cluster.Canary, cluster.Swarm!.UpdateOrder), Is.EqualTo(("0.0.0.0", DeployStrategy.Recreate, (CanarySettings?)null, UpdateOrder.StopFirst)));
        Assert.That(DeploymentSettings.Of(cluster)["updateOrder"], Is.EqualTo("stop-first"), "recorded so");
    }

    [TestCase("\"engine\": \"swarm\",", "\"engine\": \"kubernetes\",", "$.cluster.engine: must be \"compose\" or \"swarm\" (got \"kubernetes\")")]
    [TestCase("\"replicas\": 2,", "\"replicas\": 0,", "$.cluster.replicas: must be a whole number from 1 to 100 (got 0)")]
    [TestCase("\"replicas\": 2,", "\"mode\": \"spread\",\n    \"replicas\": 2,", "$.cluster.mode: must be \"replicated\" or \"global\" (got \"spread\")")]
    [TestCase("\"updateOrder\": \"start-first\",", "\"updateOrder\": \"recreate\",", "$.cluster.updateOrder: must be \"start-first\" or \"stop-first\" (got \"recreate\")")]
    [TestCase("\"engine\": \"swarm\",", "\"engine\": 5,", "$.cluster.engine: must be \"compose\" or \"swarm\" (got 5)")]
    [TestCase("\"updateOrder\": \"start-first\",", "\"updateOrder\": 5,", "$.cluster.updateOrder: must be \"start-first\" or \"stop-first\" (got 5)")]
    [TestCase("\"updateParallelism\": 1,", "\"updateParallelism\": 0,", "$.cluster.updateParallelism: must be a whole number from 1 to 100 (got 0)")]
    [TestCase("\"updateDelaySeconds\": 5,", "\"updateDelaySeconds\": -1,", "$.cluster.updateDelaySeconds: must be a whole number from 0 to 3600 (got -1)")]
    [TestCase("\"placement\": [\"node.labels.site==east\", \"node.role!=manager\"],", "\"placement\": [\"site=east\"],", "$.cluster.placement: \"site=east\" is not a placement constraint Swarm understands")]
    [TestCase("\"placement\": [\"node.labels.site==east\", \"node.role!=manager\"],", "\"placement\": \"node.labels.site==east\",", "$.cluster.placement: must be a list of constraints (got \"node.labels.site==east\")")]
    public void A_wrong_swarm_value_is_refused_at_its_line(string text, string replacement, string message)
    {
        var json = With(text, replacement);
        var problem = Refusal(json).Problems.Single();

        Assert.That((problem.File, problem.Message), Is.EqualTo(("environments.json", message)));
        Assert.That(problem.Line, Is.EqualTo(LineOf(json, replacement.Split('\n')[0].TrimEnd(','))));
        Assert.That(problem.Fix, Is.Not.Empty);
    }

    [Test]
    public void A_missing_rollout_key_is_missing_in_the_swarm_environment_only()
    {
        var json = With("    \"monitorSeconds\": 10,\n", "");

        var problem = Refusal(json).Problems.Single();

        Assert.That((problem.Line, problem.Message), Is.EqualTo(((int?)LineOf(json, "\"cluster\": {"), "$.cluster: 'monitorSeconds' is missing: set neither in 'cluster' nor in \"defaults\"")));
        var order = Refusal(With("    \"updateOrder\": \"start-first\",\n", "")).Problems.Single();
        Assert.That(order.Fix, Is.EqualTo("add \"updateOrder\": \"start-first\" or \"stop-first\" to \"defaults\" (for every environment) or to 'cluster'"));
    }

    [Test]
    public void A_rollout_in_defaults_is_inherited_by_the_swarm_environment_and_not_taken_by_the_compose_ones()
    {
        var json = With("    \"updateDelaySeconds\": 5,\n", "").Replace("\"defaults\": {", "\"defaults\": {\n    \"updateDelaySeconds\": 7,");

        var environments = Parse(json);

        Assert.That(environments["cluster"].Swarm!.UpdateDelaySeconds, Is.EqualTo(7));
        Assert.That(environments["local"], Is.EqualTo(Parse(Fixture)["local"]));
    }

    [Test]
    public void A_wrong_rollout_value_in_defaults_is_reported_at_its_line_there_with_the_swarm_environment_that_inherits_it()
    {
        var json = With("    \"updateOrder\": \"start-first\",\n", "").Replace("\"defaults\": {", "\"defaults\": {\n    \"updateOrder\": \"first\",");

        var problem = Refusal(json).Problems.Single();

        Assert.That((problem.Line, problem.Message), Is.EqualTo(((int?)LineOf(json, "\"updateOrder\": \"first\""),
            "$.defaults.updateOrder: must be \"start-first\" or \"stop-first\" (got \"first\") (inherited by cluster)")));
    }

    [Test]
    public void A_swarm_key_in_defaults_that_no_environment_reads_is_refused_at_its_line_saying_why()
    {
        var json = CheckedInEnvironments().Replace("\"defaults\": {", "\"defaults\": {\n    \"replicas\": 3,");

        var problem = Refusal(json).Problems.Single();

        Assert.That((problem.Line, problem.Message), Is.EqualTo(((int?)LineOf(json, "\"replicas\": 3"),
            "$.defaults.replicas: 'replicas' is read by no environment: it means something on one engine only, and no environment here runs on that engine")));
        Assert.That(problem.Fix, Is.EqualTo("remove it, or set \"engine\" on the environments it is for"));
    }

    [Test]
    public void A_compose_key_in_defaults_that_no_environment_reads_is_refused_at_its_line_saying_why()
    {
        var fixture = Fixture;
        var json = fixture.Remove(fixture.IndexOf("  \"local\": {"), fixture.IndexOf("  \"cluster\": {") - fixture.IndexOf("  \"local\": {"));

        var problems = Refusal(json).Problems;

        Assert.That(problems.Select(p => (p.Line, p.Message)), Is.EqualTo(new[] { "containerName", "bind", "strategy" }.Select(key => ((int?)LineOf(json, $"\"{key}\": "),
            $"$.defaults.{key}: '{key}' is read by no environment: it means something on one engine only, and no environment here runs on that engine"))),
            "only a swarm environment is left, and it takes none of the compose keys in defaults");
    }

    private static string CheckedInEnvironments() => File.ReadAllText(SourceRepository.Combine(EnvironmentCatalog.FileName));

    [TestCase("replicas", "2")]
    [TestCase("mode", "\"global\"")]
    [TestCase("updateOrder", "\"stop-first\"")]
    [TestCase("placement", "[\"node.labels.site==east\"]")]
    public void A_swarm_key_in_a_compose_environment_is_refused_at_its_line(string key, string value)
    {
        var json = With("\"healthUrl\": \"http://staging.qts-observer.internal:8000/health\",",
            $"\"healthUrl\": \"http://staging.qts-observer.internal:8000/health\",\n    \"{key}\": {value},");

        var problem = Refusal(json).Problems.Single();

        Assert.That((problem.Line, problem.Message), Is.EqualTo(((int?)LineOf(json, $"\"{key}\": {value}"),
            $"$.staging.{key}: '{key}' means something only on a swarm (\"engine\": \"swarm\"), and this environment runs on compose")));
        Assert.That(problem.Fix, Is.EqualTo("remove it, or set \"engine\": \"swarm\" if the environment is a swarm cluster"));
    }

    [TestCase("strategy", "\"recreate\"", "on a swarm the engine rolls the tasks out in \"updateOrder\"")]
    [TestCase("bind", "\"10.0.0.1\"", "Swarm publishes a host-mode port on every address of each node")]
    [TestCase("containerName", "\"observer\"", "Swarm names the tasks' containers itself; \"composeProject\" names the stack and its services")]
    public void A_compose_key_a_swarm_environment_sets_is_refused_at_its_line_while_the_one_in_defaults_is_not_taken(string key, string value, string why)
    {
        var json = With("\"replicas\": 2,", $"\"replicas\": 2,\n    \"{key}\": {value},");

        var problem = Refusal(json).Problems.Single();

        Assert.That((problem.Line, problem.Message), Is.EqualTo(((int?)LineOf(json, $"\"{key}\": {value}"), $"$.cluster.{key}: '{key}' means nothing on a swarm: {why}")));
        Assert.That(Fixture, Does.Contain($"\"{key}\": ").And.Not.Contain($"\"{key}\": {value}"), "defaults set it, and the fixture parses");
    }

    [Test]
    public void Each_compose_key_a_swarm_environment_sets_is_refused_with_what_to_write_instead()
    {
        var json = With("\"replicas\": 2,", "\"replicas\": 2,\n    \"strategy\": \"recreate\",\n    \"bind\": \"10.0.0.1\",\n    \"canary\": {},\n    \"containerName\": \"observer\",");

        var problems = Refusal(json).Problems;

        Assert.That(problems.Select(p => (p.Message.Split(':')[0], p.Fix)), Is.EqualTo(new[]
        {
            ("$.cluster.strategy", "remove it and write \"updateOrder\": \"start-first\" or \"stop-first\""),
            ("$.cluster.bind", "remove it (restrict who reaches the port with the nodes' firewall)"),
            ("$.cluster.canary", "remove it (a swarm's own rollout is \"updateParallelism\" and \"monitorSeconds\")"),
            ("$.cluster.containerName", "remove it (the service is <composeProject>_qts-observer)"),
        }));
        Assert.That(problems[2].Message, Is.EqualTo("$.cluster.canary: 'canary' means nothing on a swarm: a swarm has no edge to split requests at: the engine's routing mesh sends them to the tasks"));
    }

    [Test]
    public void Swarm_settings_differing_in_any_one_key_differ_and_alike_ones_are_equal()
    {
        var settings = Parse(Fixture)["cluster"].Swarm!;
        SwarmSettings[] others =
        [
            settings with { Replicas = 3 }, settings with { Replicas = null }, settings with { Placement = ["node.labels.site==east"] },
            settings with { UpdateParallelism = 2 }, settings with { UpdateDelaySeconds = 6 }, settings with { MonitorSeconds = 11 }, settings with { UpdateOrder = UpdateOrder.StopFirst },
        ];

        Assert.That(others.Select(other => settings.Equals(other)), Is.All.False);
        Assert.That(settings.Equals(settings with { Placement = [.. settings.Placement] }), Is.True, "the same placement in another list");
        Assert.That(settings.Equals(null), Is.False);
    }

    [Test]
    public void A_monitor_period_the_health_timeout_does_not_outlast_is_refused_at_its_line()
    {
        var json = With("\"monitorSeconds\": 10,", "\"monitorSeconds\": 120,");

        var problem = Refusal(json).Problems.Single();

        Assert.That(problem.Line, Is.EqualTo(LineOf(json, "\"monitorSeconds\": 120")));
        Assert.That(problem.Message, Does.StartWith("$.cluster.monitorSeconds: 120 s is not below \"healthTimeoutSeconds\": 120"));
        Assert.That(problem.Fix, Is.EqualTo("lower \"monitorSeconds\" or raise \"healthTimeoutSeconds\" above it (e.g. \"healthTimeoutSeconds\": 270)"));
    }

    [TestCase("dataDirectory", "data/cluster")]
    [TestCase("backupDirectory", "backups/cluster")]
    public void A_node_s_directories_must_be_absolute_on_a_swarm_reached_on_this_machine(string key, string relative)
    {
        var json = With("\"dockerHost\": \"ssh://qtsops@manager.qts-observer.internal\",", "\"dockerHost\": \"unix:///var/run/docker.sock\",")
            .Replace("\"replicas\": 2,", $"\"replicas\": 2,\n    \"{key}\": \"{relative}\",");

        var problem = Refusal(json).Problems.Single();

        Assert.That((problem.Line, problem.Message), Is.EqualTo(((int?)LineOf(json, $"\"{key}\": \"{relative}\""),
            $"$.cluster.{key}: '{relative}' is relative, but on a swarm each node mounts it into the tasks and jobs it runs: a path relative to this repository names nothing on a node")));
        Assert.That(problem.Fix, Is.EqualTo("write an absolute path that each node may hold, e.g. \"/opt/qts-observer/cluster\""));
    }

    [Test]
    public void A_swarm_s_recorded_settings_carry_its_rollout_and_a_compose_environment_s_stay_as_they_were()
    {
        var environments = Parse(Fixture);

        var cluster = DeploymentSettings.Of(environments["cluster"]);
        Assert.That(cluster["engine"], Is.EqualTo("swarm"));
        Assert.That((cluster["replicas"], cluster["placement"], cluster["updateOrder"], cluster["monitorSeconds"]),
            Is.EqualTo(("2", "node.labels.site==east,node.role!=manager", "start-first", "10")));
        Assert.That(DeploymentSettings.Of(environments["local"]).Keys, Has.None.AnyOf("engine", "replicas", "updateOrder"));
        var wider = DeploymentSettings.Of(Parse(With("\"replicas\": 2,", "\"replicas\": 3,"))["cluster"]);
        Assert.That(DeploymentSettings.Changes(cluster, wider), Is.EqualTo(new[] { "replicas: 2 -> 3" }));
    }
}
