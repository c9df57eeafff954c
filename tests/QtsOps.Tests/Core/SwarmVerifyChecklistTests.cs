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
}
