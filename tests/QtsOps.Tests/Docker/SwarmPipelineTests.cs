using System.Text.Json;
using System.Text.Json.Nodes;
using QtsOps.Core.Deployment;
using QtsOps.Core.Swarm;
using QtsOps.Host;
using QtsOps.Tests.Host;

namespace QtsOps.Tests.Docker;

/// <summary>
/// The pipeline end to end on the lab's three-node swarm (issue 23, points 3 to 5): a scratch clone whose environments
/// file (given with --environments) has 'cluster' on the swarm through its manager's socket, two replicas, pulling from a
/// test registry with a login. The default target goes through push, deploy and verify; status lists every task with its
/// node; a rollback without --to puts the last verified release back and verifies it. The tests run in order, each from
/// the state the one before left.
/// </summary>
[TestFixture, Category("Docker"), NonParallelizable, System.Runtime.Versioning.SupportedOSPlatform("linux"), Platform("Linux")]
public class SwarmPipelineTests
{
    private readonly string _id = Guid.NewGuid().ToString("N")[..8];
    private const int Port = 8000;
    private const string RegistryUser = "qtsops";
    private const string EnvironmentsFile = "cluster-environments.json";
    private static readonly string RegistryPassword = Guid.NewGuid().ToString("N");
    private Lab _lab = null!;
    private RegistryServer _registry = null!;
    private ObserverRepository _repo = null!;
    private HistoryEntry? _first;

    private string Stack => $"qtspipe-{_id}";
    private string Service => SwarmStack.ServiceName(Stack);
    private string HistoryFile => Path.Combine(_repo.StateDirectory, "history", "cluster.jsonl");

    [OneTimeSetUp]
    public void StartRegistryLabAndScratchRepository()
    {
        _registry = new RegistryServer(RegistryUser, RegistryPassword);
        _lab = new Lab(nodes: 3, swarm: true, registry: _registry.Address);
        _repo = new ObserverRepository(_registry.Address);
        WriteEnvironments();
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

    /// <summary>
    /// The checked-in environments with 'cluster' on the lab's swarm, as a file of its own, committed, with the release's own
    /// configuration at one record a second (the deploy puts it in each node's config folder; nothing here makes the nodes' folders).
    /// </summary>
    private void WriteEnvironments()
    {
        File.WriteAllText(Path.Combine(_repo.Root, "src", "observer", "config", "observer.json"), "{ \"interval_seconds\": 1 }\n");
        var environments = JsonNode.Parse(File.ReadAllText(Path.Combine(_repo.Root, "environments.json")),
            documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip })!;
        environments["cluster"] = new JsonObject
        {
            ["description"] = "the lab's swarm",
            ["engine"] = "swarm",
            ["dockerHost"] = _lab.Manager.DockerHost,
            ["composeProject"] = Stack,
            ["network"] = $"qtspipe-net-{_id}",
            ["imageRepository"] = $"qtsops-test/pipe-{_id}",
            ["registry"] = _registry.Address,
            ["registryTls"] = false,
            ["port"] = Port,
            ["healthUrl"] = $"http://{_lab.Manager.Address}:{Port}/health",
            ["deployDirectory"] = ".qtsops/deploy/cluster",
            ["dataDirectory"] = "/srv/qtspipe/data",
            ["logDirectory"] = "/srv/qtspipe/logs",
            ["configDirectory"] = "/srv/qtspipe/config",
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
        File.WriteAllText(Path.Combine(_repo.Root, EnvironmentsFile), environments.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        _repo.Commit("cluster on the lab's swarm");
    }

    private HostRun Run(params string[] arguments)
    {
        using var scope = new EnvironmentVariableScope();
        scope.Set("QTSOPS_REGISTRY_USERNAME", RegistryUser).Set("QTSOPS_REGISTRY_PASSWORD", RegistryPassword);
        return _repo.Run([.. arguments, "--env=cluster", $"--environments={EnvironmentsFile}"]);
    }

    private List<HistoryEntry> History() => [.. ReleaseHistory.Parse(File.Exists(HistoryFile) ? File.ReadAllText(HistoryFile) : null, HistoryFile, warning => Assert.Fail(warning))];

    private string ServiceImage() =>
        _lab.Manager.Docker("service", "inspect", "--format", "{{.Spec.TaskTemplate.ContainerSpec.Image}}", Service).EnsureSuccess($"Inspecting {Service}").Output.Single();

    /// <summary>The observer's tasks the engine wants running, by name and node.</summary>
    private List<(string Task, string Node)> RunningTasks() =>
        [.. _lab.Manager.Docker("service", "ps", "--filter", "desired-state=running", "--format", "{{.Name}} {{.Node}}", Service).EnsureSuccess("Listing the tasks").Output
            .Select(line => line.Split(' ')).Select(parts => (parts[0], parts[1]))];

    private string VerifyReport => File.ReadAllText(Path.Combine(_repo.Root, "artifacts", "reports", "verify.md"));

    [Test, Order(1)]
    public void The_default_target_pushes_deploys_and_verifies_every_task_on_the_swarm()
    {
        var run = Run();

        Assert.That(run.ExitCode, Is.Zero, run.Output + run.Error);
        Assert.That(run.Output, Does.Contain("has no Terraform root module (src/infra/environments/cluster)"), "terraform-plan and apply skip, saying why");
        var history = History();
        Assert.That(history.Select(entry => (entry.Action, entry.Result)), Is.EqualTo(new[] { (HistoryAction.Deploy, HistoryResult.Succeeded), (HistoryAction.Verify, HistoryResult.Succeeded) }));
        _first = history[0];
        Assert.That(history[1].Release, Is.EqualTo(_first.Release));
        Assert.That(history[1].Digest, Is.EqualTo(_first.Digest), "the verify records the pinned digest it checked");
        Assert.That(run.Output, Does.Contain($"{_first.Release} verified on the swarm"));
        foreach (var node in _lab.Nodes)
        {
            var root = Path.Combine(node.Srv, "qtspipe");
            Assert.That(Command.Run("stat", "--format", "%u", Path.Combine(root, "data"), Path.Combine(root, "logs")).Output, Is.EqualTo(new[] { "10001", "10001" }),
                $"the deploy made {node.Name}'s own data and log folders for the service");
            Assert.That(File.ReadAllText(Path.Combine(root, "config", "observer.json")), Does.Contain("\"interval_seconds\": 1"), $"{node.Name}'s config folder has the release's configuration");
        }
        var report = VerifyReport;
        Assert.That(report, Does.Contain("passed"));
        foreach (var (task, node) in RunningTasks()) Assert.That(report, Does.Contain($"{task}@{node}"), "each task judged on its node");
    }

    [Test, Order(2)]
    public void Status_lists_every_task_with_its_node_then_the_lock_and_history()
    {
        Assert.That(_first, Is.Not.Null, "the first run deployed");

        var run = Run("--target=status");

        Assert.That(run.ExitCode, Is.Zero, run.Output + run.Error);
        var status = File.ReadAllText(Path.Combine(_repo.Root, "artifacts", "reports", "status.md"));
        var tasks = RunningTasks();
        Assert.That(tasks, Has.Count.EqualTo(2));
        foreach (var (task, node) in tasks) Assert.That(status, Does.Contain($"  {task} on {node}: running, healthy"), status);
        Assert.That(status, Does.Contain($"last verified: {_first!.Release} ({_first.Version})").And.Contain("deploy lock: free")
            .And.Contain($"verify succeeded {_first.Release}"));
    }

    [Test, Order(3)]
    public void A_rollback_without_to_puts_the_last_verified_release_back_and_verifies_it()
    {
        Assert.That(_first, Is.Not.Null, "the first run deployed");
        _repo.Commit("a second release");
        var second = Run("--target=deploy");
        Assert.That(second.ExitCode, Is.Zero, second.Output + second.Error);
        var deployed = History().Last();
        Assert.That(deployed.Release, Is.Not.EqualTo(_first!.Release));
        Assert.That(ServiceImage(), Does.EndWith(deployed.Digest!), "the second release runs");

        var run = Run("--target=rollback");

        Assert.That(run.ExitCode, Is.Zero, run.Output + run.Error);
        Assert.That(ServiceImage(), Is.EqualTo($"{_registry.Address}/qtsops-test/pipe-{_id}@{_first.Digest}"));
        var last = History().TakeLast(2).ToList();
        Assert.That(last.Select(entry => (entry.Action, entry.Result, entry.Release)),
            Is.EqualTo(new[] { (HistoryAction.Rollback, HistoryResult.Succeeded, _first.Release), (HistoryAction.Verify, HistoryResult.Succeeded, _first.Release) }));
        Assert.That(last[0].Detail, Does.Contain($"replaced {deployed.Release}"));
        Assert.That(VerifyReport, Does.Contain(_first.Release), "the verify report is the put-back release's");
    }
}
