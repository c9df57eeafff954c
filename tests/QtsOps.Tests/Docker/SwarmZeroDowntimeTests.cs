using QtsOps.Core.Testing;
using System.Text.Json;
using QtsOps.Core.Environments;
using QtsOps.Core.Swarm;
using QtsOps.Tests.Core;
using QtsOps.Tests.Host;

namespace QtsOps.Tests.Docker;

/// <summary>
/// Zero downtime on a cluster (issue 23, point 6), measured at the stack level: the stack file SwarmStack
/// writes, deployed with `docker stack deploy` on the lab's three nodes (two observer tasks, the edge on
/// every node publishing the port in host mode), with a client asking /health at every node's published
/// port 20 times a second: an upgrade, a release that crashes at start (the engine rolls it back) and a
/// node drain lose no request. The tests run in order, each from the state the last left.
/// </summary>
[TestFixture, Category("Docker"), Category(TestShards.LabCategory), NonParallelizable, System.Runtime.Versioning.SupportedOSPlatform("linux"), Platform("Linux")]
public class SwarmZeroDowntimeTests
{
    private const string Stack = "qts-zero";
    private const int Port = 8000;
    private SwarmStackLab _stacks = null!;
    private ObserverRepository _repo = null!;
    private DeploymentEnvironment _cluster = null!;
    private (string Release, string Image) _first, _second;
    private string _edgeImage = "";

    private static string Service => SwarmStack.ServiceName(Stack);
    private Lab Lab => _stacks.Lab;

    [OneTimeSetUp]
    public void PushTwoReleasesAndTheEdgeThenDeployTheFirstOnTheLab()
    {
        _stacks = new SwarmStackLab("zero");
        _repo = new ObserverRepository(_stacks.Registry.Address);
        _first = PushRelease();
        _repo.Commit("a second release");
        _second = PushRelease();
        _edgeImage = PushEdgeImage();

        _cluster = _stacks.Cluster(Stack, "qts-observer", cluster =>
        {
            cluster["healthUrl"] = $"http://{Lab.Manager.Address}:{Port}/health";
            cluster["registry"] = _stacks.Registry.Address;
            cluster["registryTls"] = false;
            cluster["port"] = Port;
            cluster["updateDelaySeconds"] = 1;
            cluster["monitorSeconds"] = 5;
            cluster["healthIntervalSeconds"] = 1;
            cluster["deployDirectory"] = "/srv/qts-observer";
            cluster["backupDirectory"] = "/srv/qts-observer-backups";
        });
        Deploy(_first);
        WaitFor(() => TasksRunning().Count == 2 && Lab.Nodes.All(node => AnsweringRelease(node) == _first.Release), $"{_first.Release} serving at every node");
    }

    [OneTimeTearDown]
    public void RemoveLabImagesAndRegistry()
    {
        _stacks?.Dispose();
        _repo?.RemoveFromEngine();
        _repo?.Dispose();
    }

    [Test, Order(1)]
    public void An_upgrade_to_the_second_release_loses_no_request_at_any_node()
    {
        var seen = Polling(Lab.Nodes, () =>
        {
            Deploy(_second);
            WaitFor(() => UpdateState() == "completed" && Lab.Nodes.All(node => AnsweringRelease(node) == _second.Release), $"the update to {_second.Release}");
        });

        RequestsDuring.AssertNoneFailed(seen, EdgeLog);
        Assert.That(seen.SelectMany(url => url.AnsweredBy.Keys).Distinct(), Is.EquivalentTo(new[] { _first.Release, _second.Release }), "both releases answered during the update");
    }

    [Test, Order(2)]
    public void A_release_that_crashes_at_start_is_rolled_back_by_the_engine_and_no_request_fails()
    {
        var crashing = SwarmStackInputs.ComposeText.Replace("      OBSERVER_LOG_DIR: /app/logs\n", "      OBSERVER_LOG_DIR: /app/logs\n      OBSERVER_INTERVAL_SECONDS: \"0\"\n");
        Assert.That(crashing, Is.Not.EqualTo(SwarmStackInputs.ComposeText), "the compose file has the line the crash is added after");

        var seen = Polling(Lab.Nodes, () =>
        {
            Deploy((_second.Release + ".crashing", _second.Image), crashing);
            WaitFor(() => UpdateState() == "rollback_completed", "the engine's rollback of the crashing release");
        });

        RequestsDuring.AssertNoneFailed(seen, EdgeLog);
        Assert.That(seen.SelectMany(url => url.AnsweredBy.Keys).Distinct(), Is.EqualTo(new[] { _second.Release }), "only the release that served answered");
        Assert.That(Lab.Nodes.Select(AnsweringRelease), Is.All.EqualTo(_second.Release), "the old version still answers");
        var failed = Lab.Manager.Docker("service", "ps", "--no-trunc", "--format", "{{.Error}}", Service).EnsureSuccess("Listing the tasks").Output;
        Assert.That(failed, Has.Some.Contains("non-zero exit (2)"), "a task of the crashing release failed at start");
        Assert.That(Lab.Manager.Docker("service", "inspect", "--format", "{{.Spec.TaskTemplate.ContainerSpec.Env}}", Service).Output.Single(), Does.Not.Contain("OBSERVER_INTERVAL_SECONDS"));
    }

    [Test, Order(3)]
    public void A_task_whose_node_stops_passing_overlay_traffic_costs_no_request()
    {
        var partitioned = Lab.Nodes.First(node => node != Lab.Manager && TasksRunning().Contains(node.Name));
        // The overlay's VXLAN (udp 4789) dropped on its node: connects to its task hang, as to a task just gone, and are not refused.
        string[] rule = ["INPUT", "-p", "udp", "--dport", "4789", "-j", "DROP"];

        var seen = Polling(Lab.Nodes, () =>
        {
            Command.Run("nsenter", [$"--net=/var/run/netns/{partitioned.Namespace}", "iptables", "-I", .. rule]).EnsureSuccess($"Dropping the overlay's traffic on {partitioned.Name}");
            try
            {
                Thread.Sleep(TimeSpan.FromSeconds(10));
            }
            finally
            {
                Command.Run("nsenter", [$"--net=/var/run/netns/{partitioned.Namespace}", "iptables", "-D", .. rule]).EnsureSuccess($"Passing the overlay's traffic on {partitioned.Name} again");
            }
        });

        RequestsDuring.AssertNoneFailed(seen, EdgeLog);
        Assert.That(TasksRunning(), Does.Contain(partitioned.Name).And.Count.EqualTo(2), "the engine kept the task: its health check, inside the node, passed");
    }

    [Test, Order(4)]
    public void Draining_a_node_moves_its_task_and_the_other_nodes_lose_no_request()
    {
        var holders = TasksRunning();
        var drained = Lab.Nodes.First(node => node != Lab.Manager && holders.Contains(node.Name));
        // A drained node runs no task, its edge neither: the clients ask the nodes that stay.
        var staying = Lab.Nodes.Where(node => node != drained).ToList();

        var seen = Polling(staying, () =>
        {
            Lab.Manager.Docker("node", "update", "--availability", "drain", drained.Name).EnsureSuccess($"Draining {drained.Name}");
            WaitFor(() => TasksRunning() is { Count: 2 } now && !now.Contains(drained.Name), $"the task of {drained.Name} running elsewhere");
            // Past the edge's DNS validity, so requests reach the moved task too.
            Thread.Sleep(SwarmStack.DnsValidity * 2);
        });

        RequestsDuring.AssertNoneFailed(seen, EdgeLog);
        Assert.That(TasksRunning(), Does.Not.Contain(drained.Name).And.Count.EqualTo(2));
        Assert.That(staying.Select(AnsweringRelease), Is.All.EqualTo(_second.Release));
    }

    /// <summary>The release's image, built and pushed by the pipeline; pinned by the digest the registry confirmed.</summary>
    private (string Release, string Image) PushRelease()
    {
        var run = DeploymentPipelineTests.WithCredentials(_stacks.Username, _stacks.Password, () => _repo.Run("--target=push"));
        Assert.That(run.ExitCode, Is.Zero, run.Output + run.Error);
        using var report = JsonDocument.Parse(File.ReadAllText(Path.Combine(_repo.Root, "artifacts", "reports", "push.json")));
        var image = report.RootElement.GetProperty("image").GetString()!;
        var release = image[(image.LastIndexOf(':') + 1)..];
        return (release, $"{_stacks.Registry.Address}/{_repo.ImageRepository}@{report.RootElement.GetProperty("digest").GetString()}");
    }

    /// <summary>qtsops's edge image (bootstrapped when the engine has none), pushed to the test registry; its pinned name.</summary>
    private string PushEdgeImage()
    {
        var run = InProcessPipeline.Run(_repo.Root, ["--target=bootstrap-edge-image"], typeof(BootstrappedImageTests.BootstrapEdgeImageTask));
        Assert.That(run.ExitCode, Is.Zero, run.Output + run.Error);
        var edge = run.Output.Split('\n').Select(line => line.Trim()).Single(line => line.StartsWith("edge image: "))["edge image: ".Length..];
        return _stacks.Push(edge, $"{_repo.ImageRepository}-edge", edge.Split(':')[1]);
    }

    /// <summary>`docker stack deploy` of the stack file SwarmStack writes for <paramref name="release"/>, from the files a deploy writes.</summary>
    private void Deploy((string Release, string Image) release, string? composeText = null) =>
        _stacks.Deploy(_cluster, new StackRelease(release.Release, release.Image, _edgeImage, AutomaticRollback: true), composeText);

    /// <summary>The failed requests at the nodes' published ports while <paramref name="action"/> runs.</summary>
    private static IReadOnlyList<RequestsDuring.Seen> Polling(IEnumerable<Lab.Node> nodes, Action action) => RequestsDuring.Action(nodes.Select(HealthUrl), action);

    private static string HealthUrl(Lab.Node node) => $"http://{node.Address}:{Port}/health";

    /// <summary>The release whose /health answers at the node's published port (its version as a Docker tag), or null when none answers 200.</summary>
    private static string? AnsweringRelease(Lab.Node node)
    {
        try
        {
            var (status, body) = DeploymentPipelineTests.Get(HealthUrl(node));
            return status == 200 ? JsonDocument.Parse(body).RootElement.GetProperty("version").GetString()!.Replace('+', '_') : null;
        }
        catch (Exception unanswered) when (unanswered is HttpRequestException or TaskCanceledException or AggregateException)
        {
            return null;
        }
    }

    /// <summary>The nodes of the observer's tasks that should run and do.</summary>
    private List<string> TasksRunning() =>
        [.. Lab.Manager.Docker("service", "ps", Service, "--filter", "desired-state=running", "--format", "{{.Node}} {{.CurrentState}}").EnsureSuccess("Listing the tasks").Output
            .Select(line => line.Split(' ')).Where(parts => parts[1] == "Running").Select(parts => parts[0])];

    /// <summary>What the edges logged lately (nginx logs each request it could not forward, with the task's address).</summary>
    private string EdgeLog() => string.Join("\n", Lab.Manager.Docker("service", "logs", "--timestamps", "--tail", "30", SwarmStack.EdgeServiceName(Stack)) is var logs ? [.. logs.Output, logs.Error] : []);

    private string UpdateState() =>
        Lab.Manager.Docker("service", "inspect", "--format", "{{if .UpdateStatus}}{{.UpdateStatus.State}}{{end}}", Service).EnsureSuccess("Inspecting the service").Output.SingleOrDefault() ?? "";

    /// <summary>Until <paramref name="done"/>, bounded: a stack that never gets there fails with the engine's view of the tasks.</summary>
    private void WaitFor(Func<bool> done, string what)
    {
        var until = DateTime.UtcNow.AddMinutes(3);
        while (!done())
        {
            if (DateTime.UtcNow > until)
                Assert.Fail($"Not reached within 3 minutes: {what}. Update: {UpdateState()}\n" + string.Join("\n", Lab.Manager.Docker("service", "ps", "--no-trunc", Service).Output)
                    + "\n" + string.Join("\n", Lab.Manager.Docker("service", "ps", "--no-trunc", SwarmStack.EdgeServiceName(Stack)).Output));
            Thread.Sleep(500);
        }
    }
}
