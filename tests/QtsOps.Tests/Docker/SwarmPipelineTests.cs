using QtsOps.Core.Testing;
using QtsOps.Build.Deployment;
using QtsOps.Core.Deployment;
using QtsOps.Core.Swarm;
using QtsOps.Host;
using QtsOps.Tests.Host;

namespace QtsOps.Tests.Docker;

/// <summary>
/// The pipeline end to end on the lab's three-node swarm (issue 23, points 3 to 5, <see cref="SwarmScratch"/>), 'cluster'
/// in an environments file of its own given with --environments. The default target goes through push, deploy and
/// verify; status lists every task with its node; a rollback without --to puts the last verified release back and
/// verifies it. The tests run in order, each from the state the one before left.
/// </summary>
[TestFixture, Category("Docker"), Category(TestShards.LabCategory), NonParallelizable, System.Runtime.Versioning.SupportedOSPlatform("linux"), Platform("Linux")]
public class SwarmPipelineTests
{
    private const string EnvironmentsFile = "cluster-environments.json";
    private SwarmScratch _swarm = null!;
    private HistoryEntry? _first;

    private string Service => _swarm.Service;

    [OneTimeSetUp]
    public void StartRegistryLabAndScratchRepository()
    {
        _swarm = new SwarmScratch("qtspipe");
        // The release's own configuration at one record a second: the deploy puts it in each node's config folder (nothing here makes the nodes' folders).
        File.WriteAllText(Path.Combine(_swarm.Repo.Root, "src", "observer", "config", "observer.json"), "{ \"interval_seconds\": 1 }\n");
        File.WriteAllText(Path.Combine(_swarm.Repo.Root, EnvironmentsFile), _swarm.EnvironmentsWithCluster(placement: null));
        // A config the observer gets from a file of the release: a swarm config, named by its content.
        var compose = Path.Combine(_swarm.Repo.Root, "src", "observer", "docker-compose.yml");
        var text = File.ReadAllText(compose);
        const string networks = "    networks:\n      - qts-network\n";
        Assert.That(text, Does.Contain(networks), "the compose file has the line the config goes before");
        File.WriteAllText(compose, text.Replace(networks, $"    configs:\n      - source: greeting\n        target: {GreetingTarget}\n" + networks) + "\nconfigs:\n  greeting:\n    file: ./config/greeting.txt\n");
        File.WriteAllText(Greeting, "hello from the first release\n");
        _swarm.Repo.Commit("cluster on the lab's swarm, in an environments file of its own, with a config from a file");
    }

    private const string GreetingTarget = "/etc/qtsops-greeting";

    private string Greeting => Path.Combine(_swarm.Repo.Root, "src", "observer", "config", "greeting.txt");

    /// <summary>The swarm config the observer's service runs with, by name.</summary>
    private string ServiceConfig() =>
        _swarm.Manager("service", "inspect", "--format", "{{range .Spec.TaskTemplate.ContainerSpec.Configs}}{{.ConfigName}}{{end}}", Service).EnsureSuccess("Inspecting the configs").Output.Single();

    [OneTimeTearDown]
    public void RemoveEverything() => _swarm?.Dispose();

    private HostRun Run(params string[] arguments) => _swarm.Run([.. arguments, $"--environments={EnvironmentsFile}"]);

    private List<HistoryEntry> History() => _swarm.History();

    private string ServiceImage() => _swarm.ServiceImage(Service);

    /// <summary>The observer's tasks the engine wants running, by name and node.</summary>
    private List<(string Task, string Node)> RunningTasks() =>
        [.. _swarm.Lab.Manager.Docker("service", "ps", "--filter", "desired-state=running", "--format", "{{.Name}} {{.Node}}", Service).EnsureSuccess("Listing the tasks").Output
            .Select(line => line.Split(' ')).Select(parts => (parts[0], parts[1]))];

    private string VerifyReport => File.ReadAllText(Path.Combine(_swarm.Repo.Root, "artifacts", "reports", "verify.md"));

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
        Assert.That(_swarm.FolderOwners(), Is.EqualTo(_swarm.OwnedByTheService), "the deploy made each node's own data and log folders for the service");
        foreach (var node in _swarm.Lab.Nodes)
            Assert.That(File.ReadAllText(Path.Combine(_swarm.Folders(node), "config", "observer.json")), Does.Contain("\"interval_seconds\": 1"), $"{node.Name}'s config folder has the release's configuration");
        var report = VerifyReport;
        Assert.That(report, Does.Contain("passed"));
        foreach (var (task, node) in RunningTasks()) Assert.That(report, Does.Contain($"{task}@{node}"), "each task judged on its node");
    }

    [Test, Order(2)]
    public void Status_lists_every_task_with_its_node_then_the_lock_and_history()
    {
        Assert.That(_first, Is.Not.Null, "the first run deployed");
        // A failed verify of a release no decision asks about: the state read keeps it only among the newest lines status asks for.
        var stray = _first! with { Action = HistoryAction.Verify, Result = HistoryResult.Failed, Release = "0.0.0-stray", Version = "0.0.0-stray", Detail = "a stray entry" };
        Assert.That(new ReleaseHistory(_swarm.HistoryFile, new LocalDeploymentHost(_swarm.Repo.Root, _swarm.Repo.StateDirectory)).TryAppend(stray), Is.Null);

        var run = Run("--target=status");

        Assert.That(run.ExitCode, Is.Zero, run.Output + run.Error);
        var status = File.ReadAllText(Path.Combine(_swarm.Repo.Root, "artifacts", "reports", "status.md"));
        var tasks = RunningTasks();
        Assert.That(tasks, Has.Count.EqualTo(2));
        foreach (var (task, node) in tasks) Assert.That(status, Does.Contain($"  {task} on {node}: running, healthy"), status);
        Assert.That(status, Does.Contain($"last verified: {_first!.Release} ({_first.Version})").And.Contain("deploy lock: free")
            .And.Contain($"verify succeeded {_first.Release}").And.Contain("verify failed 0.0.0-stray"));
    }

    [Test, Order(3)]
    public void A_rollback_without_to_puts_the_last_verified_release_back_and_verifies_it()
    {
        Assert.That(_first, Is.Not.Null, "the first run deployed");
        var firstConfig = ServiceConfig();
        Assert.That(firstConfig, Is.EqualTo($"{_swarm.Stack}-greeting-{SwarmStack.ContentHash("hello from the first release\n")}"), "the config is named by its content");
        File.WriteAllText(Greeting, "hello from the second release\n");
        _swarm.Repo.Commit("a second release, its config changed");
        var second = Run("--target=deploy");
        Assert.That(second.ExitCode, Is.Zero, second.Output + second.Error);
        var deployed = History().Last();
        Assert.That(deployed.Release, Is.Not.EqualTo(_first!.Release));
        Assert.That(ServiceImage(), Does.EndWith(deployed.Digest!), "the second release runs");
        Assert.That(ServiceConfig(), Is.EqualTo($"{_swarm.Stack}-greeting-{SwarmStack.ContentHash("hello from the second release\n")}"), "a changed file is a new config");
        Assert.That(File.ReadAllText(Path.Combine(_swarm.DeployDirectory, "releases", deployed.Release, $"config-greeting-{SwarmStack.ContentHash("hello from the second release\n")}")),
            Is.EqualTo("hello from the second release\n"), "the config's content is kept beside the release's stack.yml");

        var run = Run("--target=rollback");

        Assert.That(run.ExitCode, Is.Zero, run.Output + run.Error);
        Assert.That(ServiceImage(), Is.EqualTo($"{_swarm.Registry.Address}/{_swarm.ImageRepository}@{_first.Digest}"));
        Assert.That(ServiceConfig(), Is.EqualTo(firstConfig), "the rollback puts the first release's config back, read from its release directory");
        var last = History().TakeLast(2).ToList();
        Assert.That(last.Select(entry => (entry.Action, entry.Result, entry.Release)),
            Is.EqualTo(new[] { (HistoryAction.Rollback, HistoryResult.Succeeded, _first.Release), (HistoryAction.Verify, HistoryResult.Succeeded, _first.Release) }));
        Assert.That(last[0].Detail, Does.Contain($"replaced {deployed.Release}"));
        Assert.That(VerifyReport, Does.Contain(_first.Release), "the verify report is the put-back release's");
    }

    [Test, Order(4)]
    public void After_a_node_with_a_task_is_drained_its_task_moves_and_verify_passes_again()
    {
        Assert.That(_first, Is.Not.Null, "the first run deployed");
        var drained = RunningTasks().Select(task => task.Node).First(node => node != _swarm.Lab.Manager.Name);
        _swarm.Manager("node", "update", "--availability", "drain", drained).EnsureSuccess($"Draining {drained}");
        try
        {
            var until = DateTime.UtcNow.AddMinutes(3);
            while (RunningTasks() is var now && (now.Count != 2 || now.Any(task => task.Node == drained) || !AllRunning()))
            {
                Assert.That(DateTime.UtcNow, Is.LessThan(until), $"the task of {drained} did not move: {string.Join(", ", now)}");
                Thread.Sleep(500);
            }

            var run = Run("--target=verify");

            Assert.That(run.ExitCode, Is.Zero, run.Output + run.Error);
            var report = VerifyReport;
            Assert.That(report, Does.Contain("passed").And.Contain(_first!.Release));
            foreach (var (task, node) in RunningTasks()) Assert.That(report, Does.Contain($"{task}@{node}"), "each task judged on its node, none on the drained one");
            Assert.That(report, Does.Contain($"health-endpoint@{drained}").And.Contain("the node is drained"), "the drained node's port is not asked, saying why");
            Assert.That(History().Last(), Has.Property("Action").EqualTo(HistoryAction.Verify).And.Property("Result").EqualTo(HistoryResult.Succeeded));
        }
        finally
        {
            _swarm.Manager("node", "update", "--availability", "active", drained).EnsureSuccess($"Making {drained} active again");
        }
    }

    /// <summary>Whether every task the engine wants runs (its health check passed).</summary>
    private bool AllRunning() =>
        _swarm.Manager("service", "ps", "--filter", "desired-state=running", "--format", "{{.CurrentState}}", Service).EnsureSuccess("Listing the tasks").Output.All(state => state.StartsWith("Running"));
}
