using QtsOps.Core.Swarm;
using QtsOps.Core.Verification;
using static QtsOps.Tests.Core.SwarmSamples;

namespace QtsOps.Tests.Core;

/// <summary>verify on a swarm (issue 23, point 4): every task and node judged, the checks per task and node in the report.</summary>
[Category("Core")]
public class SwarmVerifyChecklistTests
{
    private static readonly DateTimeOffset Update = new(2026, 12, 6, 9, 30, 0, TimeSpan.Zero);

    private static DataRecordEvidence Fresh => new(Update, [Update.AddSeconds(20)], null);

    private static SwarmVerifyEvidence Healthy => new()
    {
        Service = SwarmService.Parse(Inspect(2, updateState: "completed")),
        Tasks = [Task("a", 1, "node-1", "Running", "Running 1 minute ago"), Task("b", 2, "node-2", "Running", "Running 1 minute ago"),
                 Task("o", 1, "node-1", "Shutdown", "Shutdown 1 minute ago", image: OldImage)],
        Image = NewImage,
        TasksBefore = new HashSet<string> { "o" },
        Nodes = [new NodeHealth("node-1", "10.77.0.2", new HttpEvidence("http://10.77.0.2:8000/health", 200, "{\"status\":\"ok\"}", null)),
                 new NodeHealth("node-2", "10.77.0.3", new HttpEvidence("http://10.77.0.3:8000/health", 200, "{\"status\":\"ok\"}", null)),
                 new NodeHealth("node-3", "192.0.2.9", null, "no route from here to 192.0.2.9")],
        LogLines = [$"{Service}.1.a@node-1    | 2026-12-06T09:30:02Z INFO qts_observer: started", $"{Service}.2.b@node-2    | 2026-12-06T09:30:03Z INFO qts_observer: started"],
        Records = new Dictionary<string, DataRecordEvidence> { ["node-1"] = Fresh, ["node-2"] = Fresh },
    };

    private static IReadOnlyList<CheckResult> Checks(SwarmVerifyEvidence evidence) => SwarmVerifyChecklist.Evaluate(evidence);

    private static IEnumerable<string> Failed(SwarmVerifyEvidence evidence) => Checks(evidence).Where(c => !c.Passed).Select(c => c.Name);

    [Test]
    public void A_healthy_service_passes_with_a_check_per_task_and_node_and_the_nodes_asked_named()
    {
        var checks = Checks(Healthy);

        Assert.That(checks.Select(c => c.Name), Is.EqualTo(new[]
        {
            "tasks", $"task {Service}.1@node-1", $"task {Service}.2@node-2", "restarts",
            "health-endpoint@node-1", "health-endpoint@node-2", "health-endpoint@node-3", "health-endpoints-asked", "logs-clean",
            "data-records@node-1", "data-records@node-2",
        }));
        Assert.That(checks.Where(c => !c.Passed), Is.Empty);
        Assert.That(checks.Single(c => c.Name == "health-endpoints-asked").Evidence, Is.EqualTo("asked node-1, node-2; not asked: node-3"));
        Assert.That(checks.Single(c => c.Name == "health-endpoint@node-3").Evidence, Is.EqualTo("not asked: no route from here to 192.0.2.9"));
        var report = VerifyReport.Of("verify", "cluster", "1.4.0", Service, Update, checks, "src/observer/docker-compose.yml");
        Assert.That(report.Passed, Is.True);
        Assert.That(report.ToMarkdown(), Does.Contain($"| `task {Service}.2@node-2` | pass |"));
    }

    [Test]
    public void A_task_that_is_not_running_fails_its_own_check_and_the_count()
    {
        var evidence = Healthy with { Tasks = [Task("a", 1, "node-1", "Running", "Running 1 minute ago"), Task("b", 2, "node-2", "Running", "Starting 5 seconds ago")] };

        Assert.That(Failed(evidence), Is.EqualTo(new[] { "tasks", $"task {Service}.2@node-2" }));
        Assert.That(Checks(evidence).Single(c => c.Name == "tasks").Evidence, Is.EqualTo("1 of 2 replica(s) running the release"));
    }

    [Test]
    public void A_task_still_on_the_release_before_fails()
    {
        var evidence = Healthy with { Tasks = [Task("a", 1, "node-1", "Running", "Running 1 minute ago"), Task("o2", 2, "node-2", "Running", "Running 1 hour ago", image: OldImage)] };

        Assert.That(Failed(evidence), Is.EqualTo(new[] { "tasks", $"task {Service}.2@node-2" }));
    }

    [Test]
    public void A_task_of_the_release_the_engine_replaced_since_the_update_counts_as_a_restart()
    {
        var evidence = Healthy with { Tasks = [.. Healthy.Tasks, Task("c", 2, "node-2", "Shutdown", "Failed 40 seconds ago", error: "task: non-zero exit (137): dockerexec: unhealthy container")] };

        var restarts = Checks(evidence).Single(c => c.Name == "restarts");

        Assert.That(restarts.Passed, Is.False);
        Assert.That(restarts.Evidence, Is.EqualTo($"1 task(s) of the release replaced since the update: {Service}.2 on node-2: failed: task: non-zero exit (137): dockerexec: unhealthy container"));
    }

    [Test]
    public void A_task_of_the_release_the_engine_shut_down_when_its_node_was_drained_is_no_restart()
    {
        var evidence = Healthy with { Tasks = [.. Healthy.Tasks, Task("c", 2, "node-3", "Shutdown", "Shutdown 40 seconds ago")] };

        var restarts = Checks(evidence).Single(c => c.Name == "restarts");

        Assert.That(restarts.Passed, Is.True, restarts.Evidence);
        Assert.That(restarts.Evidence, Is.EqualTo("no task of the release replaced since the update"));
    }

    [Test]
    public void A_node_whose_health_endpoint_fails_fails_and_a_verify_that_asked_no_node_fails()
    {
        var failing = Healthy with { Nodes = [new NodeHealth("node-1", "10.77.0.2", new HttpEvidence("http://10.77.0.2:8000/health", null, "", "connection refused"))] };
        var unasked = Healthy with { Nodes = [new NodeHealth("node-1", "10.77.0.2", null, "unreachable")] };

        Assert.That(Failed(failing), Is.EqualTo(new[] { "health-endpoint@node-1" }));
        Assert.That(Failed(unasked), Is.EqualTo(new[] { "health-endpoints-asked" }));
    }

    [Test]
    public void An_error_line_of_any_task_fails_the_logs_past_the_task_and_node_docker_prints_first()
    {
        var evidence = Healthy with { LogLines = [.. Healthy.LogLines, $"{Service}.2.b@node-2    | 2026-12-06T09:30:09Z ERROR qts_observer.loop: disk full"] };

        var logs = Checks(evidence).Single(c => c.Name == "logs-clean");

        Assert.That(logs.Passed, Is.False);
        Assert.That(SwarmVerifyChecklist.LogText($"{Service}.2.b@node-2    | a | b"), Is.EqualTo("a | b"));
        Assert.That(SwarmVerifyChecklist.LogText("plain | line"), Is.EqualTo("plain | line"));
    }

    [Test]
    public void Each_node_that_runs_a_task_must_have_written_records_since_the_update()
    {
        var stale = Healthy with { Records = new Dictionary<string, DataRecordEvidence> { ["node-1"] = Fresh, ["node-2"] = new(Update, [Update.AddMinutes(-5)], null) } };
        var unread = Healthy with { Records = new Dictionary<string, DataRecordEvidence> { ["node-1"] = Fresh } };

        Assert.That(Failed(stale), Is.EqualTo(new[] { "data-records@node-2" }));
        Assert.That(Failed(unread), Is.EqualTo(new[] { "data-records@node-2" }));
    }

    [Test]
    public void A_running_task_whose_own_health_fails_fails_its_check_naming_the_answer_and_one_that_answers_says_so()
    {
        var evidence = Healthy with
        {
            TaskHealth = new Dictionary<string, HttpEvidence>
            {
                ["a"] = new("http://10.0.1.5:8000/health", 200, "{\"status\":\"ok\"}", null),
                ["b"] = new("http://10.0.1.6:8000/health", 503, "{\"status\":\"unhealthy\"}", null),
            },
        };

        var checks = Checks(evidence);

        Assert.That(Failed(evidence), Is.EqualTo(new[] { $"task {Service}.2@node-2" }));
        Assert.That(checks.Single(c => c.Name == $"task {Service}.2@node-2").Evidence, Is.EqualTo("running, but its own /health answered 503 {\"status\":\"unhealthy\"}"));
        Assert.That(checks.Single(c => c.Name == $"task {Service}.1@node-1").Evidence, Does.EndWith("; its own /health at http://10.0.1.5:8000/health: 200"));
    }
    [Test]
    public void A_failing_verify_gives_each_check_its_evidence_and_fix()
    {
        const string tasksFix = $"see `docker service ps --no-trunc {Service}` and `docker service logs {Service}`";
        const string errorLine = $"{Service}.5.d@node-4    | 2026-12-06T09:30:09Z ERROR qts_observer.loop: disk full  ";
        var evidence = Healthy with
        {
            Service = SwarmService.Parse(Inspect(5, updateState: "completed")),
            Tasks =
            [
                Task("a", 1, "node-1", "Running", "Running 1 minute ago"),
                Task("b", 2, "node-2", "Running", "Starting 5 seconds ago"),
                Task("c", 3, "", "Running", "Pending 3 seconds ago", error: "no suitable node (scheduling constraints not satisfied on 4 nodes)"),
                Task("o", 4, "node-3", "Running", "Running 1 hour ago", image: OldImage),
                Task("d", 5, "node-4", "Running", "Running 50 seconds ago"),
                Task("f", 2, "node-2", "Shutdown", "Failed 30 seconds ago", error: "task: non-zero exit (1)"),
                Task("e", 2, "node-2", "Shutdown", "Complete 1 minute ago"),
            ],
            TasksBefore = new HashSet<string>(),
            TaskHealth = new Dictionary<string, HttpEvidence> { ["d"] = new("http://10.0.1.9:8000/health", 503, "", null) },
            Nodes =
            [
                new NodeHealth("node-1", "10.77.0.2", new HttpEvidence("http://10.77.0.2:8000/health", 200, "{\"status\":\"ok\"}", null)),
                new NodeHealth("node-2", "10.77.0.3", new HttpEvidence("http://10.77.0.3:8000/health", 503, "{\"status\":\"unhealthy\"}", null)),
                new NodeHealth("node-3", "10.77.0.4", new HttpEvidence("http://10.77.0.4:8000/health", null, "", "connection refused")),
                new NodeHealth("node-4", "10.77.0.5", null),
                new NodeHealth("node-5", "10.77.0.6", null, "the node is drained"),
            ],
            LogLines = [.. Healthy.LogLines, errorLine],
            Records = new Dictionary<string, DataRecordEvidence>
            {
                ["node-1"] = new(Update, [Update.AddMinutes(-1), Update], null),
                ["node-2"] = new(Update, [], "ls: /srv/qts/data: Permission denied"),
                ["node-4"] = new(Update, [Update.AddSeconds(-1)], null),
            },
        };

        Assert.That(Checks(evidence), Is.EqualTo(new[]
        {
            CheckResult.Fail("tasks", "2 of 5 replica(s) running the release", $"see `docker service ps --no-trunc {Service}` for the tasks' states and errors"),
            CheckResult.Pass($"task {Service}.1@node-1", "wanted running and running (the engine marks a task running only once its health check passed)"),
            CheckResult.Fail($"task {Service}.2@node-2", "wanted running, is starting", tasksFix),
            CheckResult.Fail($"task {Service}.3@(not placed)", "wanted running, is pending: no suitable node (scheduling constraints not satisfied on 4 nodes)", tasksFix),
            CheckResult.Fail($"task {Service}.4@node-3", $"runs {OldImage}, not the release's {NewImage}", "deploy the release again: the engine has not replaced this task"),
            CheckResult.Fail($"task {Service}.5@node-4", "running, but its own /health answered 503",
                $"the engine replaces it once its health check fails: see `docker service logs {Service}`"),
            CheckResult.Fail("restarts", $"2 task(s) of the release replaced since the update: {Service}.2 on node-2: failed: task: non-zero exit (1); {Service}.2 on node-2: complete",
                $"the service crashes or fails its health check: see `docker service logs {Service}`"),
            CheckResult.Pass("health-endpoint@node-1", "GET http://10.77.0.2:8000/health -> 200"),
            CheckResult.Fail("health-endpoint@node-2", "GET http://10.77.0.3:8000/health -> 503 {\"status\":\"unhealthy\"}",
                "the edge on node-2 (10.77.0.3) publishes the port: see `docker service ps` of the edge service and the /health body"),
            CheckResult.Fail("health-endpoint@node-3", "GET http://10.77.0.4:8000/health failed: connection refused",
                "the edge on node-3 (10.77.0.4) publishes the port: see `docker service ps` of the edge service and the /health body"),
            CheckResult.Pass("health-endpoint@node-4", "not asked: unreachable from here"),
            CheckResult.Pass("health-endpoint@node-5", "not asked: the node is drained"),
            CheckResult.Pass("health-endpoints-asked", "asked node-1, node-2, node-3; not asked: node-4, node-5"),
            CheckResult.Fail("logs-clean", $"1 error line(s), first: {errorLine.Trim()}", $"read `docker service logs {Service}`"),
            CheckResult.Pass("data-records@node-1", "1 record(s) written since 2026-12-06 09:30:00Z"),
            CheckResult.Fail("data-records@node-2", "could not read the records: ls: /srv/qts/data: Permission denied", "the data mount must hold observations-*.jsonl on each node"),
            CheckResult.Fail("data-records@node-3", "the data directory of node-3 was not read", "verify reads each node's data directory that runs a task"),
            CheckResult.Fail("data-records@node-4", "no record written since 2026-12-06 09:30:00Z", $"the task on node-4 is stalled: see `docker service logs {Service}`"),
        }));
    }

    [Test]
    public void The_passing_checks_say_what_they_saw_and_asking_no_node_fails_naming_the_nodes_not_asked()
    {
        var allAsked = Checks(Healthy with { Nodes = Healthy.Nodes.Take(2).ToList() });
        var noneAsked = Checks(Healthy with { Nodes = [new NodeHealth("node-1", "10.77.0.2", null, "no route"), new NodeHealth("node-2", "10.77.0.3", null, "no route")] });

        Assert.That(allAsked.Single(c => c.Name == "health-endpoints-asked"), Is.EqualTo(CheckResult.Pass("health-endpoints-asked", "asked node-1, node-2")));
        Assert.That(allAsked.Single(c => c.Name == "logs-clean").Evidence, Is.EqualTo("2 log line(s) of the service since the update, none at level ERROR or CRITICAL and no traceback"));
        Assert.That(allAsked.Single(c => c.Name == "tasks"), Is.EqualTo(CheckResult.Pass("tasks", "2 of 2 replica(s) running the release")));
        Assert.That(noneAsked.Single(c => c.Name == "health-endpoints-asked"), Is.EqualTo(CheckResult.Fail("health-endpoints-asked", "asked no node; not asked: node-1, node-2",
            "run verify where the nodes' published port is reachable (the nodes' addresses as `docker node inspect` gives them)")));
    }

    [Test]
    public void A_global_service_wants_a_task_on_each_node_it_placed_one_on_and_fails_with_none()
    {
        var global = Healthy with { Service = SwarmService.Parse(Inspect(null, updateState: "completed")) };
        var empty = global with { Tasks = [] };

        Assert.That(Checks(global).Single(c => c.Name == "tasks"), Is.EqualTo(CheckResult.Pass("tasks", "2 of 2 node(s) (global) running the release")));
        Assert.That(Checks(empty).Single(c => c.Name == "tasks"), Is.EqualTo(CheckResult.Fail("tasks",
            "no task: the engine placed none (see the placement constraints and the nodes' availability)",
            "see `docker service ps --no-trunc qts-observer_qts-observer` for the tasks' states and errors")));
    }
}
