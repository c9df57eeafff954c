using QtsOps.Core.Swarm;
using static QtsOps.Tests.Core.SwarmSamples;

namespace QtsOps.Tests.Core;

/// <summary>The wait for a stack deploy (issue 23, point 3): converged, still converging with a line of progress, or failed with the tasks' own words, never hanging.</summary>
[Category("Core")]
public class ConvergenceJudgementTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);

    private static ConvergenceWatch Watch(double elapsedSeconds = 5, IReadOnlySet<string>? before = null, string? updateBefore = null) =>
        new(NewImage, before ?? new HashSet<string>(), updateBefore, TimeSpan.FromSeconds(elapsedSeconds), Timeout);

    private static Convergence Judge(string inspect, IEnumerable<string> psLines, ConvergenceWatch? watch = null) =>
        ConvergenceJudgement.Judge(SwarmService.Parse(inspect), SwarmTask.ParseLines(psLines), watch ?? Watch());

    [Test]
    public void The_task_lines_and_the_service_are_read_as_docker_prints_them()
    {
        var task = SwarmTask.ParseLines(["", PsLine("t1", 2, "node-2", "Shutdown", "Rejected 3 seconds ago", error: "No such image: x@sha256:1"), " "]).Single();
        var service = SwarmService.Parse(Inspect(3, updateState: "rollback_completed", message: "rollback completed"));

        Assert.That(task, Is.EqualTo(new SwarmTask("t1", $"{Service}.2", NewImage, "node-2", "shutdown", "rejected", "No such image: x@sha256:1") { Since = "3 seconds ago" }));
        Assert.That(service, Is.EqualTo(new SwarmService(Service, 3, NewImage, new ServiceUpdate("rollback_completed", "rollback completed", "2026-12-06T09:30:00.123456789Z"))));
        Assert.That(SwarmService.Parse(Inspect(null)).Replicas, Is.Null);
    }

    [Test]
    public void All_replicas_running_the_new_image_on_a_first_deploy_is_converged()
    {
        var convergence = Judge(Inspect(2), [PsLine("a", 1, "node-1", "Running", "Running 4 seconds ago"), PsLine("b", 2, "node-2", "Running", "Running 3 seconds ago")]);

        Assert.That(convergence.Outcome, Is.EqualTo(ConvergenceOutcome.Converged));
        Assert.That(convergence.Summary, Is.EqualTo($"{Service}: 2/2 running the new release (node-1: running; node-2: running)"));
    }

    [Test]
    public void Tasks_on_their_way_are_converging_with_the_count_per_node()
    {
        var convergence = Judge(Inspect(2, updateState: "updating"),
        [
            PsLine("a", 1, "node-1", "Running", "Running 4 seconds ago"),
            PsLine("b", 2, "node-2", "Running", "Preparing 1 second ago"),
            PsLine("o", 2, "node-3", "Running", "Running 2 hours ago", image: OldImage),
        ]);

        Assert.That((convergence.Outcome, convergence.Done), Is.EqualTo((ConvergenceOutcome.Converging, false)));
        Assert.That(convergence.Summary, Is.EqualTo($"{Service}: 1/2 running the new release, 1 of the release before still running (node-1: running; node-2: preparing)"));
    }

    [Test]
    public void Running_tasks_of_an_update_the_engine_still_monitors_are_not_converged_yet()
    {
        var tasks = new[] { PsLine("a", 1, "node-1", "Running", "Running 4 seconds ago"), PsLine("b", 2, "node-2", "Running", "Running 3 seconds ago") };

        var monitoring = Judge(Inspect(2, updateState: "updating"), tasks);
        var completed = Judge(Inspect(2, updateState: "completed"), tasks);

        Assert.That(monitoring.Outcome, Is.EqualTo(ConvergenceOutcome.Converging));
        Assert.That(monitoring.Summary, Does.EndWith("the engine watches the new tasks before it completes the update"));
        Assert.That(completed.Outcome, Is.EqualTo(ConvergenceOutcome.Converged));
    }

    [Test]
    public void A_placement_no_node_meets_fails_at_once_with_the_engine_s_words()
    {
        var convergence = Judge(Inspect(2), [PsLine("a", 1, "", "Running", "Pending 2 seconds ago", error: "no suitable node (scheduling constraints not satisfied on 3 nodes)")], Watch(elapsedSeconds: 2));

        Assert.That(convergence.Outcome, Is.EqualTo(ConvergenceOutcome.Failed));
        Assert.That(convergence.Summary, Does.StartWith($"no node can run {Service}.1: no suitable node (scheduling constraints not satisfied on 3 nodes)"));
        Assert.That(convergence.Errors, Is.EqualTo(new[] { $"{Service}.1 (not placed): pending: no suitable node (scheduling constraints not satisfied on 3 nodes)" }));
    }

    [Test]
    public void A_replacement_that_waits_for_the_node_of_a_task_still_stopping_is_converging_and_fails_once_none_stops(
        [Values("Running", "Starting", "Ready", "Preparing", "Assigned", "Accepted")] string stoppingState)
    {
        string[] placed = [PsLine("a", 1, "node-3", "Running", "Running 4 seconds ago"), PsLine("o2", 2, "node-2", "Running", "Running 1 hour ago", image: OldImage)];
        var waiting = PsLine("b", 2, "", "Running", "Pending 1 second ago", error: "no suitable node (max replicas per node limit exceed)");

        var stopping = Judge(Inspect(2, updateState: "updating"), [.. placed, waiting, PsLine("o1", 1, "node-1", "Shutdown", $"{stoppingState} 1 hour ago", image: OldImage)]);
        var stopped = Judge(Inspect(2, updateState: "updating"), [.. placed, waiting, PsLine("o1", 1, "node-1", "Shutdown", "Shutdown 1 second ago", image: OldImage)]);

        Assert.That(stopping.Outcome, Is.EqualTo(ConvergenceOutcome.Converging), "the old task on node-1 still stops: the engine places the new one there next");
        Assert.That(stopped.Outcome, Is.EqualTo(ConvergenceOutcome.Failed), "no task stops: no node will come free");
        Assert.That(stopped.Summary, Does.StartWith($"no node can run {Service}.2: no suitable node (max replicas per node limit exceed)"));
    }

    [Test]
    public void A_node_without_the_image_fails_the_wait_naming_the_task_and_node()
    {
        var convergence = Judge(Inspect(2, updateState: "updating"),
        [
            PsLine("a", 1, "node-1", "Running", "Running 4 seconds ago"),
            PsLine("b2", 2, "node-2", "Running", "Preparing 1 second ago"),
            PsLine("b1", 2, "node-2", "Shutdown", "Rejected 3 seconds ago", error: $"No such image: {NewImage}"),
        ]);

        Assert.That(convergence.Outcome, Is.EqualTo(ConvergenceOutcome.Failed));
        Assert.That(convergence.Errors, Is.EqualTo(new[] { $"{Service}.2 on node-2: rejected: No such image: {NewImage}" }));
    }

    [Test]
    public void A_task_of_the_new_release_that_failed_ends_the_wait_with_its_error()
    {
        var convergence = Judge(Inspect(2, updateState: "updating"),
        [
            PsLine("n1", 1, "node-1", "Shutdown", "Failed 2 seconds ago", error: "task: non-zero exit (1)"),
            PsLine("o1", 1, "node-1", "Running", "Running 1 hour ago", image: OldImage),
        ]);

        Assert.That(convergence.Outcome, Is.EqualTo(ConvergenceOutcome.Failed));
        Assert.That(convergence.Summary, Does.StartWith("a task of the new release failed:"));
        Assert.That(convergence.Errors.Single(), Is.EqualTo($"{Service}.1 on node-1: failed: task: non-zero exit (1)"));
    }

    [TestCase("rollback_started", "the engine is rolling the update of", " back", true)]
    [TestCase("rollback_completed", "the engine rolled the update of", " back", true)]
    [TestCase("paused", "the engine paused the update of", "", false)]
    [TestCase("rollback_paused", "the engine paused the rollback of", "", false)]
    public void An_update_the_engine_rolls_back_or_pauses_ends_the_wait(string state, string words, string back, bool rolledBack)
    {
        var convergence = Judge(Inspect(2, image: OldImage, updateState: state, message: "update rolled back due to failure or early termination of task n1"),
            [PsLine("o1", 1, "node-1", "Running", "Running 1 hour ago", image: OldImage)]);

        Assert.That((convergence.Outcome, convergence.RolledBack), Is.EqualTo((ConvergenceOutcome.Failed, rolledBack)));
        Assert.That(convergence.Summary, Is.EqualTo($"{words} {Service}{back}: update rolled back due to failure or early termination of task n1"));
    }

    [Test]
    public void What_the_engine_reported_before_the_deploy_is_history()
    {
        const string startedBefore = "2026-12-05T18:00:00Z";
        var convergence = Judge(Inspect(1, updateState: "rollback_completed", startedAt: startedBefore),
            [PsLine("a", 1, "node-1", "Running", "Running 4 seconds ago"), PsLine("old", 1, "node-1", "Shutdown", "Failed 1 day ago", error: "task: non-zero exit (1)")],
            Watch(before: new HashSet<string> { "old" }, updateBefore: startedBefore));

        Assert.That(convergence.Outcome, Is.EqualTo(ConvergenceOutcome.Converged));
    }

    [Test]
    public void A_wait_that_reaches_the_health_timeout_fails_with_where_it_stood()
    {
        var tasks = new[] { PsLine("a", 1, "node-1", "Running", "Starting 100 seconds ago") };

        Assert.That(Judge(Inspect(1), tasks, Watch(elapsedSeconds: 119)).Outcome, Is.EqualTo(ConvergenceOutcome.Converging));
        var late = Judge(Inspect(1), tasks, Watch(elapsedSeconds: 120));

        Assert.That(late.Outcome, Is.EqualTo(ConvergenceOutcome.Failed));
        Assert.That(late.Summary, Is.EqualTo($"{Service} did not converge within 120 s (healthTimeoutSeconds): {Service}: 0/1 running the new release (node-1: starting)"));
    }

    [Test]
    public void A_global_service_wants_a_task_on_each_node_it_placed_one_on()
    {
        var converging = Judge(Inspect(null), [PsLine("a", "n1id", "node-1", "Running", "Running 2 seconds ago"), PsLine("b", "n2id", "node-2", "Running", "Starting 1 second ago")]);
        var converged = Judge(Inspect(null), [PsLine("a", "n1id", "node-1", "Running", "Running 2 seconds ago"), PsLine("b", "n2id", "node-2", "Running", "Running 1 second ago")]);

        Assert.That(converging.Summary, Is.EqualTo($"{Service}: 1/2 running the new release (node-1: running; node-2: starting)"));
        Assert.That(converged.Outcome, Is.EqualTo(ConvergenceOutcome.Converged));
    }

    [Test]
    public void A_global_service_with_no_task_after_the_grace_blames_its_placement()
    {
        Assert.That(Judge(Inspect(null), [], Watch(elapsedSeconds: 3)).Outcome, Is.EqualTo(ConvergenceOutcome.Converging));

        var failed = Judge(Inspect(null), [], Watch(elapsedSeconds: ConvergenceJudgement.NoTaskGrace.TotalSeconds));

        Assert.That(failed.Outcome, Is.EqualTo(ConvergenceOutcome.Failed));
        Assert.That(failed.Summary, Does.EndWith("no node meets its placement constraints"));
    }

    [Test]
    public void The_progress_line_gives_each_node_s_task_states_in_order_and_a_task_not_placed_yet_waits_without_failing()
    {
        var convergence = Judge(Inspect(3, updateState: "updating"),
        [
            PsLine("a", 1, "node-1", "Running", "Starting 1 second ago"),
            PsLine("b", 2, "node-1", "Running", "Running 4 seconds ago"),
            PsLine("c", 3, "", "Running", "Pending 1 second ago"),
        ], Watch(elapsedSeconds: 20));

        Assert.That(convergence.Outcome, Is.EqualTo(ConvergenceOutcome.Converging));
        Assert.That(convergence.Summary, Is.EqualTo($"{Service}: 1/3 running the new release ((not placed): pending; node-1: running, starting)"));
    }

    [Test]
    public void A_global_service_whose_tasks_are_on_their_way_past_the_grace_is_still_converging()
    {
        var convergence = Judge(Inspect(null), [PsLine("a", "n1id", "node-1", "Running", "Running 2 seconds ago"), PsLine("b", "n2id", "node-2", "Running", "Starting 20 seconds ago")],
            Watch(elapsedSeconds: ConvergenceJudgement.NoTaskGrace.TotalSeconds + 5));

        Assert.That(convergence.Outcome, Is.EqualTo(ConvergenceOutcome.Converging));
    }

    [Test]
    public void A_timeout_with_no_task_of_the_new_release_names_only_the_release_before()
    {
        var late = Judge(Inspect(1), [PsLine("o1", 1, "node-1", "Running", "Running 1 hour ago", image: OldImage)], Watch(elapsedSeconds: 120));

        Assert.That(late.Summary, Is.EqualTo($"{Service} did not converge within 120 s (healthTimeoutSeconds): {Service}: 0/1 running the new release, 1 of the release before still running"));
    }

    [Test]
    public void A_task_the_engine_rejected_for_any_reason_ends_the_wait()
    {
        var convergence = Judge(Inspect(1, updateState: "updating"),
        [
            PsLine("n1", 1, "node-1", "Shutdown", "Rejected 2 seconds ago", error: "invalid mount config for type bind: bind source path does not exist: /srv/qts/data"),
            PsLine("o1", 1, "node-1", "Running", "Running 1 hour ago", image: OldImage),
        ]);

        Assert.That(convergence.Outcome, Is.EqualTo(ConvergenceOutcome.Failed));
        Assert.That(convergence.Errors, Is.EqualTo(new[] { $"{Service}.1 on node-1: rejected: invalid mount config for type bind: bind source path does not exist: /srv/qts/data" }));
    }

    [Test]
    public void The_service_is_read_from_the_array_docker_prints_or_one_object_and_an_empty_answer_is_refused()
    {
        var array = Inspect(2, updateState: "completed", message: "update completed");
        var single = array.Trim()[1..^1];
        var expected = new SwarmService(Service, 2, NewImage, new ServiceUpdate("completed", "update completed", "2026-12-06T09:30:00.123456789Z"));
        var started = new DateTimeOffset(2026, 12, 6, 9, 30, 0, TimeSpan.Zero).AddTicks(1_234_567);

        foreach (var inspect in new[] { array, single })
        {
            Assert.That(SwarmService.Parse(inspect), Is.EqualTo(expected));
            Assert.That(ServiceChange.Since(inspect), Is.EqualTo(started));
        }
        Assert.That(Assert.Throws<FormatException>(() => SwarmService.Parse("[]"))!.Message, Is.EqualTo("docker service inspect printed no service."));
        Assert.That(Assert.Throws<FormatException>(() => ServiceChange.Since("[]"))!.Message, Is.EqualTo("docker service inspect printed no service."));
    }
}
