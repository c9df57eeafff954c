using QtsOps.Core.Environments;
using QtsOps.Core.Swarm;

namespace QtsOps.Tests.Core;

/// <summary>What several nodes mean for the observer's data (issue 23, point 7).</summary>
[Category("Core")]
public class ClusterRulesTests
{
    [Test]
    public void Restore_is_refused_on_a_swarm_saying_why_and_what_to_do_and_allowed_on_compose()
    {
        var environments = EnvironmentCatalog.Load(SourceRepository.Combine(SwarmStackInputs.FixtureFile));

        Assert.That(ClusterRules.WhyNoRestore(environments["cluster"]), Does.StartWith("restore is refused on 'cluster': it runs on a swarm")
            .And.Contain("each task writes the data directory of the node it runs on (/opt/qts-observer/data)").And.Contain("Fix: "));
        Assert.That(environments.Values.Where(e => e.Name != "cluster").Select(ClusterRules.WhyNoRestore), Is.All.Null);
    }

    [Test]
    public void The_engine_s_targets_refuse_several_hosts_saying_why_and_run_on_one_compose_host_or_a_swarm_s_manager()
    {
        var swarm = EnvironmentCatalog.Load(SourceRepository.Combine(SwarmStackInputs.FixtureFile));
        var fleet = EnvironmentCatalog.Load(SourceRepository.Combine(FleetEnvironmentTests.FixtureFile));

        Assert.That(ClusterRules.WhyNotDeployable(fleet["sites"]), Is.EqualTo(
            "'sites' lists 3 hosts (\"hosts\": east, west, north): deploy, verify, rollback, restore, status, down, releases and the dashboard run on every host, " +
            "but this target does not run on several hosts yet, and a run would reach the first one only. " +
            "Fix: run it on an environment per host (one \"dockerHost\" each), or by hand on each host (docs/OPERATIONS.md, \"Several hosts\")"));
        Assert.That(ClusterRules.WhyNotDeployable(swarm["cluster"]), Is.Null, "deploy and rollback drive a swarm through its manager");
        Assert.That(swarm.Values.Concat(fleet.Values).Where(e => e.Hosts.Count == 0).Select(ClusterRules.WhyNotDeployable), Is.Not.Empty.And.All.Null);
    }

    [Test]
    public void The_targets_not_built_for_a_swarm_refuse_it_naming_what_does_run_there_and_take_compose()
    {
        var swarm = EnvironmentCatalog.Load(SourceRepository.Combine(SwarmStackInputs.FixtureFile));

        Assert.That(ClusterRules.WhyNotOnSwarmYet(swarm["cluster"]), Is.EqualTo(
            "'cluster' runs on a swarm (\"engine\": \"swarm\"): deploy, verify, rollback, status and down drive it, but restore does not, " +
            "and running it as on one compose host would leave the cluster half-managed. " +
            "Fix: give this environment \"engine\": \"compose\" and one \"dockerHost\" (docs/OPERATIONS.md, \"Swarm environments\")"));
        Assert.That(swarm.Values.Where(e => e.Name != "cluster").Select(ClusterRules.WhyNotOnSwarmYet), Is.Not.Empty.And.All.Null);
    }
}
