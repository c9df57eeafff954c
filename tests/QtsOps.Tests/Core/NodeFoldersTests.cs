using QtsOps.Core.Swarm;

namespace QtsOps.Tests.Core;

/// <summary>The folders a swarm's tasks mount, made on each node by a job (issue 23): what it mounts, where it sees them, and when it is done.</summary>
[Category("Core")]
public class NodeFoldersTests
{
    private static SwarmTask Task(string node, string state, string error = "") => new($"t-{node}", $"job.{node}", "reg/qts@sha256:abc", node, "complete", state, error);

    [Test]
    public void The_job_mounts_each_top_folder_once_and_sees_every_path_below_its_mount_root()
    {
        Assert.That(NodeFolders.Tops(["/srv/qts/data", "/srv/qts/logs", "/etc/qts"]), Is.EqualTo(new[] { "/srv", "/etc" }));
        Assert.That(NodeFolders.InJob("/srv/qts/data"), Is.EqualTo("/qtsops/host/srv/qts/data"));
        Assert.That(NodeFolders.InJob("/srv"), Is.EqualTo("/qtsops/host/srv"), "a top folder is where it is mounted");
    }

    [Test]
    public void The_job_is_done_once_every_task_completed_and_names_each_failed_task_with_its_node()
    {
        Assert.That(NodeFolders.Judge([]).Done, Is.False, "no task placed yet");
        Assert.That(NodeFolders.Judge([Task("node-1", "complete"), Task("node-2", "running")]).Done, Is.False);
        Assert.That(NodeFolders.Judge([Task("node-1", "complete"), Task("node-2", "complete")]), Has.Property("Done").True.And.Property("Failures").Empty);
        var failed = NodeFolders.Judge([Task("node-1", "complete"), Task("node-2", "failed", "task: non-zero exit (1)")]);
        Assert.That(failed.Done, Is.True);
        Assert.That(failed.Failures, Is.EqualTo(new[] { "job.node-2 on node-2: failed: task: non-zero exit (1)" }));
    }
}
