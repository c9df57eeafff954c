using QtsOps.Core.Testing;
using Cake.Core.Diagnostics;
using QtsOps.Host;
using QtsOps.Build;
using QtsOps.Build.Deployment;
using QtsOps.Build.Deployment.Swarm;
using QtsOps.Core.Environments;
using QtsOps.Core.Swarm;
using QtsOps.Tests.Host;

namespace QtsOps.Tests.Docker;

/// <summary>
/// verify and status on a swarm (issue 23, points 4 and 5) on the lab's 3 nodes: the observer's stack (SwarmStack.Write,
/// 2 replicas, the edge on every node) deployed with `docker stack deploy`, images pinned by digest from the lab's
/// registry; verify judges each task and node and asks each node's published port, a killed task fails it and calls
/// the rollback, and status lists each task with its node, state and digest.
/// </summary>
[TestFixture, Category("Docker"), Category(TestShards.LabCategory), NonParallelizable, System.Runtime.Versioning.SupportedOSPlatform("linux"), Platform("Linux")]
public class SwarmObserveTests
{
    private const string Release = "1.0.0";
    private SwarmStackLab _stacks = null!;
    private string _observerImage = "";
    private DeploymentEnvironment _target = null!;
    private StringWriter _log = null!;
    private RunReporting _reporting = null!;
    private SwarmObserver _observer = null!;

    private string Service => SwarmStack.ServiceName(_target.ComposeProject);
    private string ReportsDirectory => _stacks.Work.Combine("reports");
    private Lab Lab => _stacks.Lab;

    [OneTimeSetUp]
    public void DeployTheStackOnALab()
    {
        _stacks = new SwarmStackLab("lab");
        _observerImage = _stacks.Push(BuildObserverImage(), "qtsops-swarmobserve/observer", Lab.Name);
        var edgeImage = _stacks.Push(EdgeImage(), "qtsops-swarmobserve/edge", Lab.Name);
        // The probe verify runs on the manager uses the observer's image: pulled here with this fixture's login.
        _stacks.Docker(Lab.Manager, "pull", "--quiet", _observerImage).EnsureSuccess("Pulling the observer's image on the manager");

        _target = _stacks.Cluster("qtsobs", "qtsobs", cluster =>
        {
            cluster["settleSeconds"] = 2;
            cluster["healthIntervalSeconds"] = 1;
        });
        _stacks.Deploy(_target, new StackRelease(Release, _observerImage, edgeImage, AutomaticRollback: true));
        WaitForTheStackServing();

        _log = new StringWriter();
        var cake = CakeContexts.Create(_log);
        var engine = new DockerEngine(cake, Lab.Manager.DockerHost, new SshTransport(null, null, null, null),
            () => throw new InvalidOperationException("verify and status on a swarm read no deploy files here"));
        _observer = new SwarmObserver(engine);
        _reporting = new RunReporting(cake, _stacks.Work.Path, ReportsDirectory, _target.Name, new Checkout(cake, SourceRepository.Root), [], null);
    }

    [OneTimeTearDown]
    public void RemoveEverything() => _stacks?.Dispose();

    [Test, Order(1)]
    public void Verify_passes_naming_each_task_with_its_node_and_each_node_whose_health_was_asked()
    {
        var rollback = new RecordingRollback();

        var report = new SwarmVerify(_observer, _target, _reporting, rollback).Run(new SwarmRelease(Release, _observerImage, SwarmStack.FileName));

        Assert.That(report.Checks.Where(check => !check.Passed).Select(check => $"{check.Name}: {check.Evidence}"), Is.Empty, _log.ToString());
        var markdown = File.ReadAllText(Path.Combine(ReportsDirectory, "verify.md"));
        foreach (var (task, node) in RunningTasks())
            Assert.That(markdown, Does.Contain($"`task {task}@{node}` | pass"), $"the report judges {task} on {node}");
        Assert.That(report.Checks.Single(check => check.Name == "health-endpoints-asked").Evidence,
            Is.EqualTo($"asked {string.Join(", ", Lab.Nodes.Select(node => node.Name).Order(StringComparer.Ordinal))}"), "the edge publishes the port on every node, each reached from here");
        foreach (var node in Lab.Nodes)
            Assert.That(markdown, Does.Contain($"`health-endpoint@{node.Name}` | pass | GET http://{node.Address}:{_target.Port}/health -> 200"));
        Assert.That(RunningTasks().Select(task => task.Node), Has.All.Matches<string>(node => markdown.Contains($"`data-records@{node}` | pass")), "records written since the update on each node with a task");
        Assert.That(rollback.Calls, Is.Empty);
    }

    [Test, Order(2)]
    public void Status_lists_every_task_with_its_node_state_health_and_digest_then_the_lines_given()
    {
        var view = new SwarmStatusReader(_observer, _target).Read(["lock: free", "history: deploy 1.0.0 succeeded"]);

        var digest = _observerImage.Split('@')[1];
        Assert.That(view.Lines[0], Does.StartWith($"service {Service}: replicated, 2 replica(s), image {_observerImage}"));
        var tasks = RunningTasks();
        Assert.That(tasks, Has.Count.EqualTo(2));
        foreach (var (task, node) in tasks)
            Assert.That(view.Lines, Has.One.Matches<string>(line => line.StartsWith($"  {task} on {node}: running, healthy (/health 200), since ") && line.EndsWith($", {digest}")), string.Join("\n", view.Lines));
        Assert.That(view.Lines.TakeLast(2), Is.EqualTo(new[] { "lock: free", "history: deploy 1.0.0 succeeded" }));
    }

    [Test, Order(2)]
    public void Status_of_a_stack_the_swarm_does_not_have_says_so_and_verify_refuses_it()
    {
        var absent = _target with { ComposeProject = "absent" };

        var view = new SwarmStatusReader(_observer, absent).Read(["lock: free"]);
        var refusal = Assert.Throws<PipelineException>(() => new SwarmVerify(_observer, absent, _reporting, new RecordingRollback()).Check(new SwarmRelease(Release, _observerImage, SwarmStack.FileName)));

        Assert.That(view.Lines, Is.EqualTo(new[] { "service absent_qts-observer: none on the swarm (nothing deployed, or it was taken down)", "lock: free" }));
        Assert.That(refusal!.Message, Does.Contain("has no service absent_qts-observer").And.Contain("Fix: ./build.sh --target=deploy --env=cluster"));
    }

    [Test, Order(3)]
    public void A_task_killed_and_replaced_by_the_engine_fails_verify_naming_the_task_and_node_and_rolls_back()
    {
        var (task, node) = RunningTasks()[0];
        var id = Lab.Manager.Docker("service", "ps", "--no-trunc", "--filter", $"name={task}", "--filter", "desired-state=running", "--format", "{{.ID}}", Service)
            .EnsureSuccess("Finding the task's id").Output.Single();
        var onNode = Lab.Nodes.Single(n => n.Name == node);
        var container = onNode.Docker("ps", "--quiet", "--filter", $"label=com.docker.swarm.task.id={id}").EnsureSuccess("Finding the task's container").Output.Single();
        onNode.Docker("kill", container).EnsureSuccess($"Killing {task} on {node}");
        WaitUntil(() => Lab.Manager.Docker("service", "ps", "--no-trunc", "--filter", $"id={id}", "--format", "{{.DesiredState}}", Service).Output.SequenceEqual(["Shutdown"]),
            $"the engine replacing {task}");
        var rollback = new RecordingRollback();

        var failure = Assert.Throws<PipelineException>(() => new SwarmVerify(_observer, _target, _reporting, rollback).Run(new SwarmRelease(Release, _observerImage, SwarmStack.FileName)));

        Assert.That(failure!.Message, Does.Contain($"restarts: 1 task(s) of the release replaced since the update: {task} on {node}: failed").And.Contain("Now: the release before (test)."));
        Assert.That(rollback.Calls, Has.Count.EqualTo(1));
        Assert.That(rollback.Calls[0].Release, Is.EqualTo(Release));
        Assert.That(rollback.Calls[0].Reason, Does.Contain($"{task} on {node}"));
        Assert.That(File.ReadAllText(Path.Combine(ReportsDirectory, "verify.md")), Does.Contain("| `restarts` | **fail** |"));
    }

    [Test, Order(4)]
    public void A_task_made_unhealthy_fails_verify_naming_the_task_and_node_and_rolls_back()
    {
        WaitUntil(() => Running(Service) == 2, "both tasks running again");
        var (task, node) = RunningTasks()[0];
        var id = Lab.Manager.Docker("service", "ps", "--no-trunc", "--filter", $"name={task}", "--filter", "desired-state=running", "--format", "{{.ID}}", Service)
            .EnsureSuccess("Finding the task's id").Output.Single();
        var onNode = Lab.Nodes.Single(n => n.Name == node);
        var container = onNode.Docker("ps", "--quiet", "--filter", $"label=com.docker.swarm.task.id={id}").EnsureSuccess("Finding the task's container").Output.Single();
        // The service's user can no longer write its node's data directory: its /health turns 503, and the engine's health check follows.
        Command.Run("chmod", "0500", Path.Combine(onNode.Srv, "qtsobs", "data")).EnsureSuccess("Taking the data directory from the service");
        WaitUntil(() => onNode.Docker("inspect", "--format", "{{.State.Health.Status}}", container).Output.SequenceEqual(["unhealthy"])
            || Lab.Manager.Docker("service", "ps", "--no-trunc", "--filter", $"id={id}", "--format", "{{.DesiredState}}", Service).Output.SequenceEqual(["Shutdown"]),
            $"{task} on {node} unhealthy");
        var rollback = new RecordingRollback();

        var failure = Assert.Throws<PipelineException>(() => new SwarmVerify(_observer, _target, _reporting, rollback).Run(new SwarmRelease(Release, _observerImage, SwarmStack.FileName)));

        // Judged before the engine replaced it (its own /health: 503, or no answer from a task the engine is killing) or after (a task
        // killed for being unhealthy; the engine adds why only once it has recorded it): named with its node either way.
        Assert.That(failure!.Message, Does.Contain($"task {task}@{node}: running, but its own /health answered 503")
            .Or.Contain($"task {task}@{node}: running, but its own /health answered <urlopen error timed out>")
            .Or.Contain($"{task} on {node}: failed: task: non-zero exit (137)"));
        Assert.That(rollback.Calls.Select(call => call.Release), Is.EqualTo(new[] { Release }));
    }

    [Test, Order(5)]
    public void A_failed_verify_of_a_release_that_verified_before_leaves_it_and_says_how_to_roll_back()
    {
        var rollback = new RecordingRollback();

        var failure = Assert.Throws<PipelineException>(() =>
            new SwarmVerify(_observer, _target, _reporting, rollback).Run(new SwarmRelease(Release, _observerImage, SwarmStack.FileName), rollBackOnFailure: false));

        Assert.That(failure!.Message, Does.Contain("restarts: ").And.Contain($"{Release} verified before, so it was not replaced by an older release; ./build.sh --target=rollback"));
        Assert.That(rollback.Calls, Is.Empty);
    }

    /// <summary>Stands for the swarm's rollback the pipeline connects: records that verify asked for it.</summary>
    private sealed class RecordingRollback : ISwarmRollback
    {
        public List<(string Release, string Reason)> Calls { get; } = [];

        public string RollBack(string failedRelease, string reason)
        {
            Calls.Add((failedRelease, reason));
            return "the release before (test)";
        }
    }

    /// <summary>The observer's tasks the engine wants running, by name and node, as `docker service ps` lists them.</summary>
    private List<(string Task, string Node)> RunningTasks() =>
        [.. Lab.Manager.Docker("service", "ps", "--filter", "desired-state=running", "--format", "{{.Name}} {{.Node}}", Service).EnsureSuccess("Listing the tasks").Output
            .Select(line => line.Split(' ')).Select(parts => (parts[0], parts[1]))];

    /// <summary>The observer's image built from this checkout on the pipeline's own Python base, as the image target builds it.</summary>
    private string BuildObserverImage()
    {
        var tag = $"qtsops-test/swarmobserve:{Lab.Name}";
        Command.Run("docker", "build", "--quiet", "--build-arg", $"BASE_IMAGE={SshTestHost.PythonBaseImage()}", "--tag", tag, SourceRepository.Combine("src", "observer"))
            .EnsureSuccess("Building the observer's image");
        _stacks.RemoveAtEnd(tag);
        return tag;
    }

    /// <summary>The pipeline's edge image (bootstrapped when this engine has none yet).</summary>
    private static string EdgeImage()
    {
        using var scratch = new ScratchRepository("environments.json");
        var run = InProcessPipeline.Run(scratch.Path, ["--target=swarm-observe-edge-image"], typeof(EdgeImageTask));
        Assert.That(run.ExitCode, Is.Zero, run.Output + run.Error);
        const string prefix = "edge image: ";
        var line = run.Output.Split('\n').Single(l => l.Contains(prefix));
        return line[(line.IndexOf(prefix, StringComparison.Ordinal) + prefix.Length)..].Trim();
    }

    [TaskName("swarm-observe-edge-image")]
    private sealed class EdgeImageTask : FrostingTask<BuildContext>
    {
        public override void Run(BuildContext context) => context.Log.Information($"edge image: {new Wiring(context).BaseImages().Edge().Name}");
    }

    /// <summary>Until both observer tasks and an edge on every node run and every node's published port answers /health with 200.</summary>
    private void WaitForTheStackServing()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        WaitUntil(() => Running(Service) == 2 && Running(SwarmStack.EdgeServiceName(_target.ComposeProject)) == Lab.Nodes.Count
            && Lab.Nodes.All(node => Answers(http, $"http://{node.Address}:{_target.Port}/health")), "the stack serving on every node");
    }

    private int Running(string service) =>
        Lab.Manager.Docker("service", "ps", service, "--filter", "desired-state=running", "--format", "{{.CurrentState}}").Output.Count(state => state.StartsWith("Running"));

    private static bool Answers(HttpClient http, string url)
    {
        try { return http.GetAsync(url).Result.IsSuccessStatusCode; }
        catch (AggregateException) { return false; }
    }

    /// <summary>Bounded: fails with the services' tasks as the engine lists them.</summary>
    private void WaitUntil(Func<bool> done, string what)
    {
        for (var attempt = 0; attempt < 240; attempt++)
        {
            if (done()) return;
            Thread.Sleep(500);
        }
        Assert.Fail($"Waiting for {what} ended after 2 minutes: " + string.Join("\n", Lab.Manager.Docker("stack", "ps", "--no-trunc", _target.ComposeProject).Output));
    }
}
