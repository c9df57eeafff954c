using QtsOps.Core.Fleet;

namespace QtsOps.Tests.Core;

/// <summary>The locks of a run's hosts in one fixed order (issue 24, point 4), so two runs never deadlock.</summary>
[Category("Core")]
public class LockOrderTests
{
    private static readonly IReadOnlyList<EnvironmentHost> Hosts = FleetEnvironmentTests.Parse(FleetEnvironmentTests.Fixture)["sites"].Hosts;

    private static EnvironmentHost Host(string name) => Hosts.Single(h => h.Name == name);

    [Test]
    public void Two_runs_naming_the_hosts_in_different_orders_take_their_locks_in_the_same_order()
    {
        var first = LockOrder.Of(HostSelection.Select(FleetEnvironmentTests.Parse(FleetEnvironmentTests.Fixture)["sites"], "west,north,east"));
        var second = LockOrder.Of([Host("east"), Host("west"), Host("north")]);

        Assert.That(first.Select(h => h.Name), Is.EqualTo(second.Select(h => h.Name)));
        Assert.That(first.Select(h => h.Environment.DockerHost), Is.EqualTo(new[] { "ssh://qtsops@east", "ssh://qtsops@west", "unix:///run/lab/north/docker.sock" }));
    }

    [Test]
    public void Runs_on_overlapping_subsets_take_the_hosts_they_share_in_the_same_relative_order()
    {
        var one = LockOrder.Of([Host("north"), Host("west")]).Select(h => h.Name).ToList();
        var other = LockOrder.Of([Host("west"), Host("east"), Host("north")]).Select(h => h.Name).Where(one.Contains).ToList();

        Assert.That(other, Is.EqualTo(one));
        Assert.That(one, Is.EqualTo(new[] { "west", "north" }));
    }

    [Test]
    public void Hosts_on_one_engine_are_ordered_by_deploy_directory()
    {
        var a = Host("east") with { Environment = Host("east").Environment with { DeployDirectory = "/srv/b" } };
        var b = Host("west") with { Environment = Host("east").Environment with { DeployDirectory = "/srv/a" } };

        Assert.That(LockOrder.Of([a, b]).Select(h => h.Name), Is.EqualTo(new[] { "west", "east" }));
    }
}
