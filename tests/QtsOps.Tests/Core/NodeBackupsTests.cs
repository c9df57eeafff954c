using QtsOps.Core.Deployment;
using QtsOps.Core.Swarm;

namespace QtsOps.Tests.Core;

/// <summary>A swarm's data backups (issue 23 point 7): which nodes hold data, what a node's job said, which backups a node prunes.</summary>
[Category("Core")]
public class NodeBackupsTests
{
    private static SwarmTask Ran(string node, string state = "running") => new($"t-{node}-{state}", $"obs.{node}", "reg/qts@sha256:abc", node, "running", state, "");

    private static SwarmNode Node(string name, string state = "ready", string availability = "active") => new($"id-{name}", name, "10.0.0.1", state, availability);

    [Test]
    public void Every_node_where_a_task_ran_is_backed_up_once_and_nodes_a_job_cannot_reach_are_said_with_why()
    {
        // node-a ran two tasks (one replaced), node-b one; node-c none; node-d is drained, node-e down, node-f gone from the swarm, node-g paused.
        var tasks = new[] { Ran("node-b"), Ran("node-a", "shutdown"), Ran("node-a"), Ran("node-d", "shutdown"), Ran("node-e", "shutdown"), Ran("node-f", "shutdown"), Ran("node-g"), Ran("", "pending") };
        var nodes = new[] { Node("node-a"), Node("node-b"), Node("node-c"), Node("node-d", availability: "drain"), Node("node-e", state: "down"), Node("node-g", availability: "pause") };

        var plan = NodeBackups.Plan(tasks, nodes);

        Assert.That(plan.Nodes.Select(node => node.Id), Is.EqualTo(new[] { "id-node-a", "id-node-b" }), "each node that ran a task, once; never one that ran none");
        Assert.That(plan.Unreachable, Is.EqualTo(new[]
        {
            "node-d: the node is drained, so no job runs there", "node-e: the node is down", "node-f: no longer in the swarm", "node-g: the node is paused, so no job runs there",
        }));
    }

    [Test]
    public void A_node_s_job_says_its_node_has_no_data_only_by_the_no_data_line()
    {
        string[] backedUp = ["partial /b/data-1.tar.gz.partial", "files 2", "bytes 300", "sha256 abc", "listed data-1.tar.gz", "listed data-1.tar.gz.sha256"];

        Assert.That(NodeBackupOutput.SaysNoData(backedUp), Is.False);
        Assert.That(NodeBackupOutput.SaysNoData([NodeBackupOutput.NoDataLine]), Is.True);
        Assert.That(NodeBackupOutput.SaysNoData([]), Is.False, "a job that printed nothing did not say the node has no data: its backup is read, and found missing");
    }

    [Test]
    public void Pruning_keeps_the_newest_archives_and_ignores_what_is_no_archive()
    {
        var listing = new[] { "data-20261201T100000.000Z-before-1.tar.gz", "data-20261201T100000.000Z-before-1.tar.gz.sha256", "notes.txt",
            "data-20261203T100000.000Z-before-3.tar.gz", "data-20261202T100000.000Z-before-2.tar.gz" };

        Assert.That(DataBackup.Pruned(listing, keep: 2), Is.EqualTo(new[] { "data-20261201T100000.000Z-before-1.tar.gz" }));
        Assert.That(DataBackup.Pruned(listing, keep: 3), Is.Empty);
    }
}
