using System.Text.Json;
using System.Text.Json.Nodes;
using QtsOps.Build.Registry;
using QtsOps.Core.Deployment;
using QtsOps.Core.Swarm;
using QtsOps.Host;
using QtsOps.Tests.Host;

namespace QtsOps.Tests.Docker;

/// <summary>
/// deploy and rollback of a swarm environment (issue 23, points 3 and 5) on the lab's three-node swarm (<see cref="Lab"/>),
/// pulling from a test registry with a login: a scratch clone whose 'cluster' runs on the swarm through its manager's
/// socket, two replicas on three nodes, each node's data, log and config folders its own (/srv on the node), made by the deploy. The
/// deploy directory, history and lock are on the manager's host, which for a unix:// manager is this machine. The
/// tests run in order, each from the state the one before left.
/// </summary>
[TestFixture, Category("Docker"), NonParallelizable, System.Runtime.Versioning.SupportedOSPlatform("linux"), Platform("Linux")]
public class SwarmDeployTests
{
    private readonly string _id = Guid.NewGuid().ToString("N")[..8];
    private const int Port = 8000;
    private const string RegistryUser = "qtsops";
    private static readonly string RegistryPassword = Guid.NewGuid().ToString("N");
    private Lab _lab = null!;
    private RegistryServer _registry = null!;
    private ObserverRepository _repo = null!;
    private HistoryEntry? _first;

    private string Stack => $"qtsswarm-{_id}";
    private string ImageRepository => $"qtsops-test/swarm-{_id}";
    private string Service => SwarmStack.ServiceName(Stack);
    private string DeployDirectory => Path.Combine(_repo.Root, ".qtsops", "deploy", "cluster");
    private string HistoryFile => Path.Combine(_repo.StateDirectory, "history", "cluster.jsonl");

    [OneTimeSetUp]
    public void StartRegistryLabAndScratchRepository()
    {
        _registry = new RegistryServer(RegistryUser, RegistryPassword);
        _lab = new Lab(nodes: 3, swarm: true, registry: _registry.Address);
        _repo = new ObserverRepository(_registry.Address);
        WriteCluster(placement: null);
    }

    [OneTimeTearDown]
    public void RemoveEverything()
    {
        _lab?.Dispose();
        var images = Command.Run("docker", "image", "ls", "--format", "{{.Repository}}:{{.Tag}}").Output.Where(image => image.Contains(_id)).ToArray();
        if (images.Length > 0) Command.Run("docker", ["image", "rm", "--force", .. images]);
        _repo?.Dispose();
        _registry?.Dispose();
    }

    /// <summary>'cluster' on the lab's swarm, committed; <paramref name="placement"/> a constraint the tasks must meet, or none.</summary>
    private void WriteCluster(string? placement)
    {
        var path = Path.Combine(_repo.Root, "environments.json");
        var environments = JsonNode.Parse(File.ReadAllText(path), documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip })!;
        var cluster = new JsonObject
        {
            ["description"] = "the lab's swarm",
            ["engine"] = "swarm",
            ["dockerHost"] = _lab.Manager.DockerHost,
            ["composeProject"] = Stack,
            ["network"] = $"qtsswarm-net-{_id}",
            ["imageRepository"] = ImageRepository,
            ["registry"] = _registry.Address,
            ["registryTls"] = false,
            ["port"] = Port,
            ["healthUrl"] = $"http://{_lab.Manager.Address}:{Port}/health",
            ["deployDirectory"] = ".qtsops/deploy/cluster",
            ["dataDirectory"] = "/srv/qts/data",
            ["logDirectory"] = "/srv/qts/logs",
            ["configDirectory"] = "/srv/qts/config",
            ["backupDirectory"] = ".qtsops/backups/cluster",
            ["bootstrapBaseImage"] = true,
            // Two tasks on three nodes: a start-first replacement needs a node without a task (max_replicas_per_node 1).
            ["replicas"] = 2,
            ["updateParallelism"] = 1,
            ["updateDelaySeconds"] = 0,
            ["monitorSeconds"] = 3,
            ["updateOrder"] = "start-first",
            ["settleSeconds"] = 2,
            ["healthIntervalSeconds"] = 1,
            ["healthTimeoutSeconds"] = 90,
            ["backupsToKeep"] = 2,
            ["minFreeDiskMb"] = 100,
            ["minMemoryMb"] = 256,
        };
        if (placement is not null) cluster["placement"] = new JsonArray(placement);
        environments["cluster"] = cluster;
        File.WriteAllText(path, environments.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        _repo.Commit(placement is null ? "cluster on the lab's swarm" : $"cluster placed on {placement}");
    }

    private HostRun Run(params string[] arguments)
    {
        using var scope = new EnvironmentVariableScope();
        scope.Set("QTSOPS_REGISTRY_USERNAME", RegistryUser).Set("QTSOPS_REGISTRY_PASSWORD", RegistryPassword);
        return _repo.Run([.. arguments, "--env=cluster"]);
    }

    private List<HistoryEntry> History() => [.. ReleaseHistory.Parse(File.Exists(HistoryFile) ? File.ReadAllText(HistoryFile) : null, HistoryFile, warning => Assert.Fail(warning))];

    private Command.Result Manager(params string[] args) => _lab.Manager.Docker(args);

    private string ServiceImage(string service) =>
        Manager("service", "inspect", "--format", "{{.Spec.TaskTemplate.ContainerSpec.Image}}", service).EnsureSuccess($"Inspecting {service}").Output.Single();

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
                return DeploymentPipelineTests.Get($"http://{node.Address}:{Port}/health");
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
        foreach (var node in _lab.Nodes)
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
        var pushed = new RegistryManifests(_registry.Address, false, RegistryUser, RegistryPassword).Digest(ImageRepository, _first.Release);
        var pinned = $"{_registry.Address}/{ImageRepository}@{pushed}";
        Assert.That(_first.Digest, Is.EqualTo(pushed), "the history records the digest the registry serves for the release");
        Assert.That(ServiceImage(Service), Is.EqualTo(pinned), "the service runs the image pinned by the pushed digest");
        Assert.That(ServiceImage(SwarmStack.EdgeServiceName(Stack)), Does.StartWith($"{_registry.Address}/{ImageRepository}-edge@sha256:"), "the edge, pushed beside it, is pinned too");
        var tasks = RunningTasks();
        Assert.That(tasks.Select(task => task.State), Is.EqualTo(new[] { "Running", "Running" }));
        Assert.That(tasks.Select(task => task.Node).Distinct().Count(), Is.EqualTo(2), "each task on a node of its own");
        Assert.That(tasks.Select(task => task.Image), Is.All.EqualTo(pinned));
        var kept = Path.Combine(DeployDirectory, "releases", _first.Release, SwarmStack.FileName);
        Assert.That(File.ReadAllText(kept), Does.Contain($"image: {pinned}"), "stack.yml is kept in the release's directory");
        Assert.That(File.Exists(Path.Combine(DeployDirectory, "releases", _first.Release, SwarmStack.EdgeConfigFile)), Is.True);
        Assert.That(run.Output, Does.Contain($"{Service}: 2/2 running the new release"), "the wait prints the tasks running per node");
        AssertEveryNodeServes(_first.Version);
        foreach (var node in _lab.Nodes)
            Assert.That(Command.Run("stat", "--format", "%u", Path.Combine(node.Srv, "qts", "data"), Path.Combine(node.Srv, "qts", "logs")).Output, Is.EqualTo(new[] { "10001", "10001" }),
                $"the deploy made {node.Name}'s own data and log folders for the service (none was made by hand)");
    }

    [Test, Order(3)]
    public void A_release_that_crashes_at_start_is_rolled_back_by_the_engine_and_the_run_fails_naming_the_task_error()
    {
        Assert.That(_first, Is.Not.Null, "the deploy before ran");
        string crashing;
        HostRun run;
        using (_repo.CommitReleaseThatCrashesAtStart())
        {
            run = Run("--target=deploy");
            crashing = History().Last().Release;
        }

        Assert.That(run.ExitCode, Is.EqualTo(1), run.Output);
        Assert.That(run.Error, Does.Contain($"Deploy of {crashing} to cluster failed").And.Contain("non-zero exit").And.Contain("the engine rolled the update back"));
        Assert.That(History().Last(), Has.Property("Result").EqualTo(HistoryResult.Failed).And.Property("Release").EqualTo(crashing));
        var pinned = $"{_registry.Address}/{ImageRepository}@{_first!.Digest}";
        Assert.That(ServiceImage(Service), Is.EqualTo(pinned), "the service is back on the release before");
        Assert.That(RunningTasks().Where(task => task.State == "Running").Select(task => task.Image), Is.All.EqualTo(pinned).And.Not.Empty);
        AssertEveryNodeServes(_first.Version);
        Assert.That(File.ReadAllText(Path.Combine(DeployDirectory, "current", SwarmStack.FileName)), Does.Contain(pinned), "current still names the release before");
    }

    [Test, Order(4)]
    public void Rollback_after_a_second_deploy_puts_the_first_back_from_its_kept_stack_file()
    {
        Assert.That(_first, Is.Not.Null, "the first deploy ran");
        _repo.Commit("a second release");
        var second = Run("--target=deploy");
        Assert.That(second.ExitCode, Is.Zero, second.Output + second.Error);
        var deployed = History().Last();
        Assert.That(ServiceImage(Service), Does.EndWith(deployed.Digest!), "the second release runs");

        var run = Run("--target=rollback", $"--to={_first!.Version}");

        Assert.That(run.ExitCode, Is.Zero, run.Output + run.Error);
        var pinned = $"{_registry.Address}/{ImageRepository}@{_first.Digest}";
        Assert.That(ServiceImage(Service), Is.EqualTo(pinned));
        Assert.That(RunningTasks().Select(task => (task.Image, task.State)), Is.EqualTo(new[] { (pinned, "Running"), (pinned, "Running") }));
        var rollback = History().Last();
        Assert.That((rollback.Action, rollback.Result, rollback.Release), Is.EqualTo((HistoryAction.Rollback, HistoryResult.Succeeded, _first.Release)));
        Assert.That(rollback.Detail, Does.Contain($"replaced {deployed.Release}"));
        Assert.That(Path.GetFileName(new DirectoryInfo(Path.Combine(DeployDirectory, "current")).LinkTarget), Is.EqualTo(_first.Release));
        AssertEveryNodeServes(_first.Version);
    }
}
