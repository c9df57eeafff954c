using QtsOps.Core.Fleet;

namespace QtsOps.Tests.Core;

/// <summary>--hosts (issue 24, point 1): a run limited to some hosts by name or label, as Kamal's --hosts.</summary>
[Category("Core")]
public class HostSelectionTests
{
    private static readonly QtsOps.Core.Environments.DeploymentEnvironment Sites = FleetEnvironmentTests.Parse(FleetEnvironmentTests.Fixture)["sites"];

    private static string[] Names(string? selection) => [.. HostSelection.Select(Sites, selection).Select(h => h.Name)];

    [TestCase(null, new[] { "east", "west", "north" })]
    [TestCase("", new[] { "east", "west", "north" })]
    [TestCase("north,east", new[] { "east", "north" })]
    [TestCase("eu", new[] { "east", "west" })]
    [TestCase("exchange-a, north, east", new[] { "east", "north" })]
    public void Selects_hosts_by_name_or_label_in_the_files_order_each_once(string? selection, string[] expected) =>
        Assert.That(Names(selection), Is.EqualTo(expected));

    [Test]
    public void Subset_is_told_from_all_hosts()
    {
        Assert.That(HostSelection.IsSubset(Sites, HostSelection.Select(Sites, "eu")), Is.True);
        Assert.That(HostSelection.IsSubset(Sites, HostSelection.Select(Sites, null)), Is.False);
    }

    [Test]
    public void An_unknown_name_is_refused_listing_the_hosts_and_labels()
    {
        var error = Assert.Throws<HostSelectionException>(() => Names("east,south,asia"))!;

        Assert.That(error.Message, Is.EqualTo("--hosts=east,south,asia: 'south', 'asia' is no host or label of 'sites'. Fix: name hosts (east, west, north) or labels (eu, exchange-a), separated by commas."));
    }

    [Test]
    public void An_unknown_name_among_hosts_without_labels_is_refused_saying_they_have_none()
    {
        var unlabelled = Sites with { Hosts = [.. Sites.Hosts.Select(h => h with { Labels = [] })] };

        var error = Assert.Throws<HostSelectionException>(() => HostSelection.Select(unlabelled, "eu"))!;

        Assert.That(error.Message, Is.EqualTo("--hosts=eu: 'eu' is no host or label of 'sites'. Fix: name hosts (east, west, north) (its hosts have no labels), separated by commas."));
    }

    [Test]
    public void A_run_on_every_host_is_no_subset_and_subsets_of_other_hosts_differ()
    {
        var east = HostSubset.Of(Sites, [Sites.Hosts[0]])!;
        var eu = HostSubset.Of(Sites, HostSelection.Select(Sites, "eu"))!;

        Assert.That(HostSubset.Of(Sites, Sites.Hosts), Is.Null);
        Assert.That(eu.ToString(), Is.EqualTo("hosts: east, west of east, west, north"));
        Assert.That(HostSubset.Of(Sites, [Sites.Hosts[1]]), Is.Not.EqualTo(east));
        Assert.That(east.Equals(null), Is.False);
    }

    [Test]
    public void Hosts_are_refused_on_an_environment_of_one_engine()
    {
        var local = FleetEnvironmentTests.Parse(FleetEnvironmentTests.Fixture)["local"];

        Assert.That(() => HostSelection.Select(local, "east"), Throws.TypeOf<HostSelectionException>().With.Message.Contains("'local' runs on one Docker engine"));
        Assert.That(HostSelection.Select(local, null), Is.Empty);
    }

    [Test]
    public void Hosts_and_subsets_read_alike_are_equal_and_hash_alike()
    {
        var again = FleetEnvironmentTests.Parse(FleetEnvironmentTests.Fixture)["sites"];
        var subset = HostSubset.Of(Sites, [Sites.Hosts[0]])!;
        var same = HostSubset.Of(again, [again.Hosts[0]])!;

        Assert.That(again.Hosts, Is.EqualTo(Sites.Hosts));
        Assert.That(again.Hosts.Select(h => h.GetHashCode()), Is.EqualTo(Sites.Hosts.Select(h => h.GetHashCode())));
        Assert.That(same, Is.EqualTo(subset));
        Assert.That(same.GetHashCode(), Is.EqualTo(subset.GetHashCode()));
        Assert.That(subset.ToString(), Is.EqualTo("hosts: east of east, west, north"));
    }
}
