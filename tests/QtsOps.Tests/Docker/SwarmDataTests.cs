using QtsOps.Core.Testing;
using QtsOps.Core.Deployment;
using QtsOps.Host;
using QtsOps.Tests.Host;
using QtsOps.Tools;

namespace QtsOps.Tests.Docker;

/// <summary>
/// The observer's data on a swarm (issue 23, point 7) and the targets around it, on the lab's three-node swarm (<see cref="SwarmScratch"/>),
/// each node's /srv its own: a Ctrl-C during the nodes' folder job, the backups each node that ran a task takes before a deploy and a
/// rollback (and prunes), the config subfolders on every node, the dashboard with the swarm beside the others, and down.
/// The tests run in order, each from the state the one before left.
/// </summary>
[TestFixture, Category("Docker"), Category(TestShards.LabCategory), NonParallelizable, System.Runtime.Versioning.SupportedOSPlatform("linux"), Platform("Linux")]
public class SwarmDataTests
{
    private const string EnvironmentsFile = "environments.data.json";
    private SwarmScratch _swarm = null!;
    private HistoryEntry? _first;
    private IReadOnlyList<string> _ranBeforeRollback = [];

    private string Service => _swarm.Service;

    [OneTimeSetUp]
    public void StartRegistryLabAndScratchRepository()
    {
        _swarm = new SwarmScratch("qtsdata");
        // A config file in a subfolder: each node's config folder gets it as one host's does.
        var rules = Path.Combine(_swarm.Repo.Root, "src", "observer", "config", "rules");
        Directory.CreateDirectory(rules);
        File.WriteAllText(Path.Combine(rules, "extra.json"), "{ \"rule\": \"kept\" }\n");
        // One backup kept per node: the rollback's backup prunes the upgrade's.
        File.WriteAllText(Path.Combine(_swarm.Repo.Root, EnvironmentsFile), _swarm.EnvironmentsWithCluster(placement: null, cluster => cluster["backupsToKeep"] = 1));
        _swarm.Repo.Commit("cluster on the lab's swarm, a config subfolder");
    }

    [OneTimeTearDown]
    public void RemoveEverything() => _swarm?.Dispose();

    private HostRun Run(params string[] arguments) => _swarm.Run([.. arguments, $"--environments={EnvironmentsFile}"]);

    private List<HistoryEntry> History() => _swarm.History();

    /// <summary>The nodes where a task of the observer ran, as the manager's task history has them.</summary>
    private List<string> NodesThatRanATask() =>
        [.. _swarm.Manager("service", "ps", "--format", "{{.Node}}", Service).EnsureSuccess("Listing the tasks").Output.NonBlank().Distinct().Order(StringComparer.Ordinal)];

    /// <summary>The backup archives in a node's own backup folder (its /srv), by name.</summary>
    private List<string> Archives(Lab.Node node)
    {
        var folder = Path.Combine(_swarm.Folders(node), "backups");
        return Directory.Exists(folder) ? [.. DataBackup.Newest(folder).Select(Path.GetFileName).OfType<string>()] : [];
    }

    private void AssertBackedUpExactlyOn(IReadOnlyList<string> nodes, string label)
    {
        foreach (var node in _swarm.Lab.Nodes)
        {
            var archives = Archives(node);
            if (!nodes.Contains(node.Name))
            {
                Assert.That(archives, Is.Empty, $"{node.Name} ran no task, so it has no backup: each node's /srv is its own");
                continue;
            }
            Assert.That(archives, Has.Count.EqualTo(1).And.All.EndsWith($"-{label}.tar.gz"), $"{node.Name}: one backup kept (backupsToKeep 1)");
            var listed = Command.Run("tar", "-tvzf", Path.Combine(_swarm.Folders(node), "backups", archives[0])).EnsureSuccess($"Listing {archives[0]}").Output;
            Assert.That(listed.Count(line => line.StartsWith('-')), Is.GreaterThan(0), $"{node.Name}'s archive holds the data files its task wrote");
        }
    }

    [Test, Order(1)]
    public void A_signal_during_the_nodes_folder_job_stops_the_deploy_before_the_stack_deploy_recorded_as_interrupted()
    {
        using var deploy = _swarm.Process("Making the data, log and config folders on the nodes", "--target=deploy", $"--environments={EnvironmentsFile}");
        Assert.That(deploy.WaitForLine(TimeSpan.FromMinutes(10)), Is.True, $"the deploy never reached the folder job: {deploy.Output}");

        deploy.Signal("INT");

        Assert.That(deploy.WaitForExit(TimeSpan.FromMinutes(3)), Is.True, "the deploy did not stop");
        Assert.That(deploy.ExitCode, Is.EqualTo(1), deploy.Output);
        Assert.That(deploy.Output, Does.Contain("before the stack deploy").And.Contain("recorded as interrupted").And.Contain("the swarm runs what it ran"));
        var last = History().Last();
        Assert.That((last.Action, last.Result), Is.EqualTo((HistoryAction.Deploy, HistoryResult.Interrupted)));
        Assert.That(last.Detail, Does.Contain("interrupted by SIGINT (Ctrl-C) before the stack deploy"));
        Assert.That(_swarm.Manager("service", "ls", "--format", "{{.Name}}").EnsureSuccess("Listing the services").Output.Where(name => name.StartsWith(_swarm.Stack, StringComparison.Ordinal)),
            Is.Empty, "no stack was deployed, and the folder job was removed");
    }

    [Test, Order(2)]
    public void An_upgrade_backs_up_the_data_of_each_node_that_ran_a_task_into_that_node_s_own_backup_folder()
    {
        var first = Run("--target=deploy");
        Assert.That(first.ExitCode, Is.Zero, first.Output + first.Error);
        _first = History().Last();
        Assert.That(first.Output, Does.Contain($"No data to back up yet: no task of {Service} ran on the swarm"));
        foreach (var node in _swarm.Lab.Nodes)
            Assert.That(File.ReadAllText(Path.Combine(_swarm.Folders(node), "config", "rules", "extra.json")), Does.Contain("kept"), $"{node.Name}'s config folder has the package's subfolder");
        var ran = NodesThatRanATask();
        Assert.That(ran, Has.Count.EqualTo(2), "two replicas, one a node");

        _swarm.Repo.Commit("a second release");
        var upgrade = Run("--target=deploy");

        Assert.That(upgrade.ExitCode, Is.Zero, upgrade.Output + upgrade.Error);
        var deployed = History().Last();
        AssertBackedUpExactlyOn(ran, $"before-{deployed.Release}");
        Assert.That(deployed.Backups?.Keys.Order(StringComparer.Ordinal), Is.EqualTo(ran), "the history says which nodes were backed up");
        Assert.That(deployed.Backups!.Values, Has.All.StartWith($"{_swarm.LabCluster()["backupDirectory"]}/data-"), "each archive as its node has it");
    }

    [Test, Order(3)]
    public void A_rollback_backs_up_each_node_that_ran_a_task_first_and_each_node_keeps_its_backupsToKeep()
    {
        Assert.That(_first, Is.Not.Null, "the first deploy ran");
        _ranBeforeRollback = NodesThatRanATask();

        var run = Run("--target=rollback", $"--to={_first!.Version}");

        Assert.That(run.ExitCode, Is.Zero, run.Output + run.Error);
        var rollback = History().Last(entry => entry.Action == HistoryAction.Rollback);
        Assert.That((rollback.Result, rollback.Release), Is.EqualTo((HistoryResult.Succeeded, _first.Release)));
        AssertBackedUpExactlyOn(_ranBeforeRollback, $"before-rollback-to-{_first.Release}");
        Assert.That(rollback.Backups?.Keys.Order(StringComparer.Ordinal), Is.EqualTo(_ranBeforeRollback));
    }

    [Test, Order(4)]
    public void The_dashboard_shows_the_swarm_s_tasks_beside_the_environments_on_one_engine_and_those_unreachable()
    {
        // Every environment of the file (no --env): 'cluster' beside those on one engine.
        var run = _swarm.Repo.Run("--target=dashboard", $"--environments={EnvironmentsFile}");

        Assert.That(run.ExitCode, Is.Zero, run.Output + run.Error);
        var page = File.ReadAllText(Path.Combine(_swarm.Repo.Root, "artifacts", "dashboard", "index.html"));
        var cluster = Section(page, "cluster");
        Assert.That(cluster, Does.Contain($"service {Service}: replicated, 2 replica(s)").And.Contain("deploy lock: free"));
        foreach (var node in _swarm.Manager("service", "ps", "--filter", "desired-state=running", "--format", "{{.Node}}", Service).EnsureSuccess("Listing the tasks").Output.NonBlank())
            Assert.That(cluster, Does.Contain($" on {node}: running"), $"the task on {node}");
        Assert.That(Section(page, "local"), Does.Contain("What runs"), "the environment on one engine is shown as before");
        Assert.That(Section(page, "staging"), Does.Contain("class=\"unreachable\""), "an unreachable one says so");
    }

    private static string Section(string page, string environment)
    {
        var section = page[page.IndexOf($"id=\"env-{environment}\"", StringComparison.Ordinal)..];
        return section[..section.IndexOf("</section>", StringComparison.Ordinal)];
    }

    [Test, Order(5)]
    public void Down_removes_the_stack_its_services_tasks_and_networks_and_keeps_each_node_s_data_and_backups()
    {
        var run = Run("--target=down");

        Assert.That(run.ExitCode, Is.Zero, run.Output + run.Error);
        string[] stackLabel = ["--filter", $"label=com.docker.stack.namespace={_swarm.Stack}", "--format", "{{.ID}}"];
        Assert.That(_swarm.Manager(["service", "ls", .. stackLabel]).EnsureSuccess("Listing the services").Output.NonBlank(), Is.Empty, "the observer's and the edge's services are gone");
        Assert.That(_swarm.Manager(["network", "ls", .. stackLabel]).EnsureSuccess("Listing the networks").Output.NonBlank(), Is.Empty, "the stack's overlay network is gone");
        var tasks = _swarm.Manager("stack", "ps", _swarm.Stack);
        Assert.That(string.Join("\n", tasks.Output) + tasks.Error, Does.Contain("nothing found in stack").IgnoreCase, "the manager knows no task of the stack");
        var down = History().Last();
        Assert.That((down.Action, down.Result), Is.EqualTo((HistoryAction.Down, HistoryResult.Succeeded)));
        Assert.That(down.Detail, Does.Contain($"removed the stack {_swarm.Stack}"));
        foreach (var node in _swarm.Lab.Nodes)
            Assert.That(Directory.Exists(Path.Combine(_swarm.Folders(node), "data")), Is.True, $"{node.Name}'s data is kept");
        foreach (var node in _swarm.Lab.Nodes.Where(node => _ranBeforeRollback.Contains(node.Name)))
            Assert.That(Archives(node), Has.Count.EqualTo(1), $"{node.Name}'s backup is kept");
    }
}
