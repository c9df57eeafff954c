using QtsOps.Core.Testing;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using QtsOps.Core.Deployment;

namespace QtsOps.Tests.Docker;

/// <summary>
/// Several hosts on this machine's own sockets (issue 24, point 1: a host's dockerHost may be unix://): the lab's two
/// engines, each its own dockerd, as the hosts of 'fleet', with every folder in the node's own /srv as this machine sees
/// it. The image is built on this machine's engine, as for an environment on ssh:// hosts, and each host gets it from
/// there; each keeps its history and lock in the checkout's .qtsops/hosts/NAME.
/// </summary>
[TestFixture, Category("Docker"), Category(TestShards.LabCategory), NonParallelizable, System.Runtime.Versioning.SupportedOSPlatform("linux"), Platform("Linux")]
public class FleetUnixHostsTests
{
    private Lab _lab = null!;
    private ObserverRepository _repo = null!;

    [OneTimeSetUp]
    public void TwoLabEnginesAsTheHostsOfFleet()
    {
        _lab = new Lab(nodes: 2);
        _repo = new ObserverRepository(registry: "");
        var path = Path.Combine(_repo.Root, "environments.json");
        var environments = JsonNode.Parse(File.ReadAllText(path))!;
        // No registry: each host gets the image from this machine's engine.
        environments["local"]!["registry"] = null;
        var fleet = environments["local"]!.DeepClone().AsObject();
        foreach (var key in new[] { "dockerHost", "healthUrl", "deployDirectory", "dataDirectory", "logDirectory", "configDirectory", "backupDirectory" }) fleet.Remove(key);
        fleet["description"] = "the lab's engines, on this machine's sockets";
        fleet["bind"] = "0.0.0.0";
        // One group: both hosts deploy and verify at once, start-first (each checks its slot before it takes traffic).
        fleet["strategy"] = "start-first";
        fleet["rollout"] = new JsonObject { ["groupSize"] = 2, ["waitSeconds"] = 0 };
        fleet["hosts"] = new JsonArray([.. _lab.Nodes.Select(node => (JsonNode)new JsonObject
        {
            ["name"] = node.Name, ["dockerHost"] = node.DockerHost, ["healthUrl"] = $"http://{node.Address}:{_repo.Port}/health",
            ["deployDirectory"] = Folder(node, "deploy"), ["dataDirectory"] = Folder(node, "data"), ["logDirectory"] = Folder(node, "logs"),
            ["configDirectory"] = Folder(node, "config"), ["backupDirectory"] = Folder(node, "backups"),
        })]);
        environments["fleet"] = fleet;
        environments["fleet-first"] = FirstRolloutFailingOnTheSecondHost(fleet);
        File.WriteAllText(path, environments.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        _repo.Commit("fleet on the lab's two engines");
    }

    [OneTimeTearDown]
    public void RemoveLabAndCheckout()
    {
        _lab?.Dispose();
        _repo?.RemoveFromEngine();
        _repo?.Dispose();
    }

    [Test, Order(1)]
    public void A_rollout_in_one_group_gives_each_host_the_image_built_here_saved_once_and_each_host_s_verify_reuses_its_own_deploy_s_checks()
    {
        var run = _repo.Run("--env=fleet");

        Assert.That(run.ExitCode, Is.Zero, run.Output + run.Error);
        var release = $"{_repo.ImageRepository}:{History(_lab.Nodes[0]).Last().Release}";
        var built = ObserverRepository.Docker("image", "inspect", "--format", "{{.Id}}", release).EnsureSuccess($"Finding {release} here").Output.Single();
        foreach (var node in _lab.Nodes)
        {
            Assert.That(node.ImageId(release), Is.EqualTo(built), $"{node.Name} runs the image built on this machine's engine");
            Assert.That(node.Docker("ps", "--filter", $"name=^{_repo.Container}-[ab]$", "--format", "{{.Image}}").Output, Is.EqualTo(new[] { release }), $"{node.Name} runs the release");
            Assert.That(History(node).Select(entry => (entry.Action, entry.Result)), Is.EqualTo(new[] { (HistoryAction.Deploy, HistoryResult.Succeeded), (HistoryAction.Verify, HistoryResult.Succeeded) }),
                $"{node.Name}'s own history");
        }
        Assert.That(run.Output, Does.Contain("verified on every host"));
        Assert.That(Regex.Matches(run.Output, $"Saved {Regex.Escape(release)} ").Count, Is.EqualTo(1), "the image is saved once for both hosts");
        Assert.That(Regex.Matches(run.Output, $"Copied {Regex.Escape(release)} ").Count, Is.EqualTo(2), "and copied to each");

        _repo.Commit("an upgrade");
        var upgrade = _repo.Run("--env=fleet");

        Assert.That(upgrade.ExitCode, Is.Zero, upgrade.Output + upgrade.Error);
        Assert.That(Regex.Matches(upgrade.Output, "is the container checked before it took traffic").Count, Is.EqualTo(2),
            $"each host's verify reuses what its own deploy read inside its slot, though the other host deployed meanwhile: {upgrade.Output}");
    }

    /// <summary>
    /// 'fleet' as its own deployment (its own names, port and folders), whose second host's health URL asks a path the observer
    /// does not serve: a first rollout verifies on the first host and fails on the second, and the first has nothing to go back to.
    /// </summary>
    private JsonObject FirstRolloutFailingOnTheSecondHost(JsonObject fleet)
    {
        var first = fleet.DeepClone().AsObject();
        first["rollout"] = new JsonObject { ["groupSize"] = 1, ["waitSeconds"] = 0 };
        first["strategy"] = "recreate";
        var port = RegistryServer.FreePort();
        first["containerName"] = _repo.Container + "-first";
        first["composeProject"] = _repo.ComposeProject + "-first";
        first["network"] = _repo.Network + "-first";
        first["port"] = port;
        foreach (var (host, node) in first["hosts"]!.AsArray().Zip(_lab.Nodes))
        {
            foreach (var key in new[] { "deployDirectory", "dataDirectory", "logDirectory", "configDirectory", "backupDirectory" })
                host![key] = Path.Combine(node.Srv, "first", key);
            // The observer answers 404 there: the second host's verify fails.
            host!["healthUrl"] = $"http://{node.Address}:{port}/" + (node == _lab.Nodes[^1] ? "missing" : "health");
        }
        return first;
    }

    [Test, Order(2)]
    public void A_first_rollout_that_fails_on_the_second_host_says_the_first_still_runs_it_as_it_has_nothing_to_go_back_to()
    {
        var run = _repo.Run("--env=fleet-first");

        Assert.That(run.ExitCode, Is.EqualTo(1), run.Output);
        var (first, second) = (_lab.Nodes[0], _lab.Nodes[^1]);
        Assert.That(run.Error, Does.Contain($"failed on {second.Name}; ").And.Contain($"go back to their last verified release, but the rollback failed on {first.Name}, which still run"),
            "the run does not claim that no host is left on the release");
        Assert.That(run.Error, Does.Not.Contain("so no host is left on"));
        Assert.That(first.Docker("ps", "--filter", $"name=^{_repo.Container}-first$", "--format", "{{.Names}}").Output, Is.Not.Empty, $"{first.Name} still runs it, as the run says");
    }

    private static string Folder(Lab.Node node, string name) => Path.Combine(node.Srv, "qts-observer", name);

    private List<HistoryEntry> History(Lab.Node node) =>
        Support.HistoryFile.Entries(Path.Combine(_repo.StateDirectory, "hosts", node.Name, "history", "fleet.jsonl"));
}
