using QtsOps.Core.Testing;
using QtsOps.Core.Deployment;
using QtsOps.Core.Swarm;
using QtsOps.Host;
using QtsOps.Tests.Host;

namespace QtsOps.Tests.Docker;

/// <summary>
/// deploy and rollback of a swarm environment (issue 23, points 3 and 5) on the lab's three-node swarm (<see cref="SwarmScratch"/>):
/// each node's data, log and config folders its own (/srv on the node), made by the deploy. The tests run in order,
/// each from the state the one before left.
/// </summary>
[TestFixture, Category("Docker"), Category(TestShards.LabCategory), NonParallelizable, System.Runtime.Versioning.SupportedOSPlatform("linux"), Platform("Linux")]
public class SwarmDeployTests
{
    private SwarmScratch _swarm = null!;
    private HistoryEntry? _first;

    private string Stack => _swarm.Stack;
    private string Service => _swarm.Service;
    private string DeployDirectory => _swarm.DeployDirectory;

    [OneTimeSetUp]
    public void StartRegistryLabAndScratchRepository()
    {
        _swarm = new SwarmScratch("qtsswarm");
        WriteCluster(placement: null);
    }

    [OneTimeTearDown]
    public void RemoveEverything() => _swarm?.Dispose();

    /// <summary>'cluster' on the lab's swarm, committed; <paramref name="placement"/> a constraint the tasks must meet, or none; <paramref name="change"/> changes it further.</summary>
    private void WriteCluster(string? placement, Action<System.Text.Json.Nodes.JsonObject>? change = null)
    {
        File.WriteAllText(Path.Combine(_swarm.Repo.Root, "environments.json"), _swarm.EnvironmentsWithCluster(placement, change));
        _swarm.Repo.Commit(placement is null ? "cluster on the lab's swarm" : $"cluster placed on {placement}");
    }

    /// <summary>The edge's service as the engine has it: its image and the ports it publishes.</summary>
    private string EdgeSpec() => Manager("service", "inspect", "--format", "{{.Spec.TaskTemplate.ContainerSpec.Image}} {{range .Spec.EndpointSpec.Ports}}{{.PublishedPort}}{{end}}",
        SwarmStack.EdgeServiceName(Stack)).EnsureSuccess("Inspecting the edge").Output.Single();

    private HostRun Run(params string[] arguments) => _swarm.Run(arguments);

    private List<HistoryEntry> History() => _swarm.History();

    private Command.Result Manager(params string[] args) => _swarm.Manager(args);

    private string ServiceImage(string service) => _swarm.ServiceImage(service);

    /// <summary>The nodes and images of the observer's tasks the engine wants running, as they are.</summary>
    private List<(string Node, string Image, string State)> RunningTasks() =>
        [.. Manager("service", "ps", "--no-trunc", "--filter", "desired-state=running", "--format", "{{.Node}} {{.Image}} {{.CurrentState}}", Service)
            .EnsureSuccess("Listing the tasks").Output.Select(line => line.Split(' ', 3)).Select(parts => (parts[0], parts[1], parts[2].Split(' ')[0]))];

    /// <summary>What a node's published port answers at /health, asked a few times (the edge's nginx may be starting).</summary>
    private static (int Status, string Body) Health(Lab.Node node)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return DeploymentPipelineTests.Get($"http://{node.Address}:{SwarmScratch.Port}/health");
            }
            catch (AggregateException) when (attempt < 20)
            {
                Thread.Sleep(500);
            }
        }
    }

    /// <summary>Each node's published port (its edge) answers /health with <paramref name="version"/>.</summary>
    private void AssertEveryNodeServes(string version)
    {
        foreach (var node in _swarm.Lab.Nodes)
        {
            var (status, body) = Health(node);
            Assert.That(status, Is.EqualTo(200), $"{node.Name}: {body}");
            Assert.That(body, Does.Contain($"\"version\": \"{version}\"").Or.Contain($"\"version\":\"{version}\""), $"{node.Name}'s published port serves {version}");
        }
    }

    [Test, Order(1)]
    public void A_first_deploy_no_node_can_take_fails_with_the_engine_s_reason_and_leaves_no_stack()
    {
        WriteCluster(placement: "node.labels.qtsops-test==nowhere");

        var run = Run("--target=deploy");

        Assert.That(run.ExitCode, Is.EqualTo(1), run.Output);
        Assert.That(run.Error, Does.Contain("no suitable node").And.Contain($"the stack {Stack} was removed: nothing of it runs"));
        Assert.That(Manager("stack", "ls", "--format", "{{.Name}}").EnsureSuccess("Listing the stacks").Output, Does.Not.Contain(Stack));
        Assert.That(Manager("service", "ls", "--quiet", "--filter", $"label=com.docker.stack.namespace={Stack}").Output, Is.Empty, "no service of the stack is left");
        var failed = History().Single();
        Assert.That((failed.Action, failed.Result), Is.EqualTo((HistoryAction.Deploy, HistoryResult.Failed)));
        Assert.That(failed.Detail, Does.Contain("no suitable node"));
    }

    [Test, Order(2)]
    public void Deploy_runs_the_tasks_on_distinct_nodes_from_the_pushed_digest_keeping_the_stack_file_and_the_history_on_the_manager_s_host()
    {
        WriteCluster(placement: null);

        var run = Run("--target=deploy");

        Assert.That(run.ExitCode, Is.Zero, run.Output + run.Error);
        _first = History().Last();
        Assert.That((_first.Action, _first.Result), Is.EqualTo((HistoryAction.Deploy, HistoryResult.Succeeded)));
        var pushed = _swarm.Manifests().Digest(_swarm.ImageRepository, _first.Release);
        var pinned = $"{_swarm.Registry.Address}/{_swarm.ImageRepository}@{pushed}";
        Assert.That(_first.Digest, Is.EqualTo(pushed), "the history records the digest the registry serves for the release");
        Assert.That(ServiceImage(Service), Is.EqualTo(pinned), "the service runs the image pinned by the pushed digest");
        Assert.That(ServiceImage(SwarmStack.EdgeServiceName(Stack)), Does.StartWith($"{_swarm.Registry.Address}/{_swarm.ImageRepository}-edge@sha256:"), "the edge, pushed beside it, is pinned too");
        var tasks = RunningTasks();
        Assert.That(tasks.Select(task => task.State), Is.EqualTo(new[] { "Running", "Running" }));
        Assert.That(tasks.Select(task => task.Node).Distinct().Count(), Is.EqualTo(2), "each task on a node of its own");
        Assert.That(tasks.Select(task => task.Image), Is.All.EqualTo(pinned));
        var kept = Path.Combine(DeployDirectory, "releases", _first.Release, SwarmStack.FileName);
        Assert.That(File.ReadAllText(kept), Does.Contain($"image: {pinned}"), "stack.yml is kept in the release's directory");
        Assert.That(File.Exists(Path.Combine(DeployDirectory, "releases", _first.Release, SwarmStack.EdgeConfigFile)), Is.True);
        Assert.That(run.Output, Does.Contain($"{Service}: 2/2 running the new release"), "the wait prints the tasks running per node");
        AssertEveryNodeServes(_first.Version);
        Assert.That(_swarm.FolderOwners(), Is.EqualTo(_swarm.OwnedByTheService), "the deploy made each node's own data and log folders for the service (none was made by hand)");
    }

    [Test, Order(3)]
    public void A_deploy_of_the_release_that_runs_from_the_same_stack_is_skipped_saying_so_and_force_deploy_deploys_it_again()
    {
        Assert.That(_first, Is.Not.Null, "the deploy before ran");
        var entries = History().Count;

        var again = Run("--target=deploy");

        Assert.That(again.ExitCode, Is.Zero, again.Output + again.Error);
        Assert.That(again.Output, Does.Contain($"{_first!.Release} already runs on the swarm").And.Contain("--force-deploy to deploy it again"));
        Assert.That(History(), Has.Count.EqualTo(entries), "nothing was deployed, nothing recorded");

        var forced = Run("--target=deploy", "--force-deploy");

        Assert.That(forced.ExitCode, Is.Zero, forced.Output + forced.Error);
        Assert.That(forced.Output, Does.Not.Contain("already runs on the swarm").And.Contain("docker stack deploy"));
        Assert.That(History().Last(), Has.Property("Action").EqualTo(HistoryAction.Deploy).And.Property("Result").EqualTo(HistoryResult.Succeeded).And.Property("Release").EqualTo(_first.Release));
        Assert.That(History(), Has.Count.EqualTo(entries + 1));
    }

    [Test, Order(4)]
    public void A_release_that_crashes_at_start_fails_naming_the_task_error_and_the_observer_and_the_edge_are_back_on_the_kept_stack()
    {
        Assert.That(_first, Is.Not.Null, "the deploy before ran");
        var edgeBefore = EdgeSpec();
        Assert.That(edgeBefore, Does.EndWith($" {SwarmScratch.Port}"));
        string crashing;
        HostRun run;
        // The crashing release comes with the edge on another port: the engine's rollback of the observer leaves the edge as the deploy made it.
        // Stop-first: a start-first replacement of the second task could find no free node while the first one's is failing.
        using (_swarm.Repo.CommitReleaseThatCrashesAtStart())
        {
            WriteCluster(placement: null, cluster =>
            {
                cluster["port"] = SwarmScratch.Port + 1;
                cluster["healthUrl"] = $"http://{_swarm.Lab.Manager.Address}:{SwarmScratch.Port + 1}/health";
                cluster["updateOrder"] = "stop-first";
            });
            run = Run("--target=deploy");
            crashing = History().Last(entry => entry.Action == HistoryAction.Deploy).Release;
            WriteCluster(placement: null);
        }

        Assert.That(run.ExitCode, Is.EqualTo(1), run.Output);
        // The engine's own rollback of the observer may complete or pause (its rollback_config): the kept stack is deployed again after it either way.
        Assert.That(run.Error, Does.Contain($"Deploy of {crashing} to cluster failed").And.Contain("non-zero exit")
            .And.Contain($"put {_first!.Release} back from its kept {SwarmStack.FileName}"));
        var (failed, putBack) = (History()[^2], History()[^1]);
        Assert.That((failed.Action, failed.Result, failed.Release), Is.EqualTo((HistoryAction.Deploy, HistoryResult.Failed, crashing)));
        Assert.That((putBack.Action, putBack.Result, putBack.Release), Is.EqualTo((HistoryAction.Rollback, HistoryResult.Succeeded, _first.Release)));
        Assert.That(putBack.Detail, Does.Contain($"after the failed deploy of {crashing}"));
        Assert.That(failed.Backups, Is.Not.Empty, "the nodes that ran a task were backed up before the crashing release started");
        Assert.That(putBack.Backups, Is.Null, "that backup is the one to restore: the put-back takes no second one");
        Assert.That(EdgeSpec(), Is.EqualTo(edgeBefore), "the edge is back on the kept stack too: its image and its port");
        var pinned = $"{_swarm.Registry.Address}/{_swarm.ImageRepository}@{_first.Digest}";
        Assert.That(ServiceImage(Service), Is.EqualTo(pinned), "the service is back on the release before");
        Assert.That(RunningTasks().Where(task => task.State == "Running").Select(task => task.Image), Is.All.EqualTo(pinned).And.Not.Empty);
        AssertEveryNodeServes(_first.Version);
        Assert.That(File.ReadAllText(Path.Combine(DeployDirectory, "current", SwarmStack.FileName)), Does.Contain(pinned), "current still names the release before");
    }

    [Test, Order(5)]
    public void Rollback_after_a_second_deploy_puts_the_first_back_from_its_kept_stack_file()
    {
        Assert.That(_first, Is.Not.Null, "the first deploy ran");
        _swarm.Repo.Commit("a second release");
        var second = Run("--target=deploy");
        Assert.That(second.ExitCode, Is.Zero, second.Output + second.Error);
        var deployed = History().Last();
        Assert.That(ServiceImage(Service), Does.EndWith(deployed.Digest!), "the second release runs");

        var run = Run("--target=rollback", $"--to={_first!.Version}");

        Assert.That(run.ExitCode, Is.Zero, run.Output + run.Error);
        var pinned = $"{_swarm.Registry.Address}/{_swarm.ImageRepository}@{_first.Digest}";
        Assert.That(ServiceImage(Service), Is.EqualTo(pinned));
        Assert.That(RunningTasks().Select(task => (task.Image, task.State)), Is.EqualTo(new[] { (pinned, "Running"), (pinned, "Running") }));
        var (rollback, verify) = (History()[^2], History()[^1]);
        Assert.That((rollback.Action, rollback.Result, rollback.Release), Is.EqualTo((HistoryAction.Rollback, HistoryResult.Succeeded, _first.Release)));
        Assert.That((verify.Action, verify.Result, verify.Release), Is.EqualTo((HistoryAction.Verify, HistoryResult.Succeeded, _first.Release)), "the release put back is verified");
        Assert.That(rollback.Detail, Does.Contain($"replaced {deployed.Release}"));
        Assert.That(Path.GetFileName(new DirectoryInfo(Path.Combine(DeployDirectory, "current")).LinkTarget), Is.EqualTo(_first.Release));
        AssertEveryNodeServes(_first.Version);
    }
}
