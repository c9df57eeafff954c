using QtsOps.Core.Swarm;
using QtsOps.Core.Verification;
using static QtsOps.Tests.Core.SwarmSamples;

namespace QtsOps.Tests.Core;

/// <summary>status on a swarm (issue 23, point 5): the service and each task it wants, with node, state, since when and digest; the history left out.</summary>
[Category("Core")]
public class SwarmStatusTests
{
    [Test]
    public void Status_lists_the_service_and_each_wanted_task_with_its_node_state_since_and_digest()
    {
        var lines = SwarmStatus.Lines(SwarmService.Parse(Inspect(2, updateState: "completed", message: "update completed")),
        [
            Task("b", 2, "node-2", "Running", "Running 3 minutes ago"),
            Task("a", 1, "node-1", "Running", "Running 4 minutes ago"),
            Task("old", 1, "node-1", "Shutdown", "Shutdown 4 minutes ago", image: OldImage),
            Task("c", 3, "", "Running", "Pending 10 seconds ago", error: "no suitable node (max replicas per node limit exceed)"),
        ]);

        Assert.That(lines, Is.EqualTo(new[]
        {
            $"service {Service}: replicated, 2 replica(s), image {NewImage}; last update completed: update completed",
            $"  {Service}.1 on node-1: running, healthy (its health check passed), since 4 minutes ago, {NewImage.Split('@')[1]}",
            $"  {Service}.2 on node-2: running, healthy (its health check passed), since 3 minutes ago, {NewImage.Split('@')[1]}",
            $"  {Service}.3 on (not placed): pending, no health, since 10 seconds ago, {NewImage.Split('@')[1]} (no suitable node (max replicas per node limit exceed))",
        }));
    }

    [Test]
    public void Each_task_shows_its_own_health_where_it_was_asked_and_its_states_word_elsewhere()
    {
        var lines = SwarmStatus.Lines(SwarmService.Parse(Inspect(3)),
        [
            Task("a", 1, "node-1", "Running", "Running 4 minutes ago"),
            Task("b", 2, "node-2", "Running", "Running 3 minutes ago"),
            Task("c", 3, "node-3", "Running", "Starting 2 seconds ago"),
        ], new Dictionary<string, HttpEvidence>
        {
            ["a"] = new("http://10.0.1.5:8000/health", 200, "{\"status\":\"ok\"}", null),
            ["b"] = new("http://10.0.1.6:8000/health", 503, "{\"status\":\"unhealthy\"}", null),
        });

        Assert.That(lines.Skip(1).Select(line => line.Split(", since ")[0]), Is.EqualTo(new[]
        {
            $"  {Service}.1 on node-1: running, healthy (/health 200)",
            $"  {Service}.2 on node-2: running, unhealthy (/health 503)",
            $"  {Service}.3 on node-3: starting, health check not passed yet",
        }));
    }

    [Test]
    public void A_task_whose_health_was_asked_and_not_answered_says_why()
    {
        var lines = SwarmStatus.Lines(SwarmService.Parse(Inspect(1)), [Task("a", 1, "node-1", "Running", "Running 4 minutes ago")],
            new Dictionary<string, HttpEvidence> { ["a"] = new("http://10.0.1.5:8000/health", null, "", "connection refused") });

        Assert.That(lines[1].Split(", since ")[0], Is.EqualTo($"  {Service}.1 on node-1: running, /health not answered (connection refused)"));
    }

    [Test]
    public void A_global_service_never_updated_lists_the_tasks_the_engine_wants_ready_or_accepted_and_leaves_out_an_unknown_since()
    {
        var lines = SwarmStatus.Lines(SwarmService.Parse(Inspect(null)),
        [
            new SwarmTask("r", $"{Service}.n3id", NewImage, "node-3", "ready", "preparing", ""),
            Task("p", "n2id", "node-2", "Accepted", "Assigned"),
            Task("x", "n1id", "node-1", "Shutdown", "Shutdown 1 minute ago"),
        ]);

        Assert.That(lines, Is.EqualTo(new[]
        {
            $"service {Service}: global, image {NewImage}",
            $"  {Service}.n2id on node-2: assigned, no health, {NewImage.Split('@')[1]}",
            $"  {Service}.n3id on node-3: preparing, no health, {NewImage.Split('@')[1]}",
        }));
    }

    [Test]
    public void During_a_start_first_update_both_tasks_of_a_slot_are_listed_by_node_under_an_update_without_a_message()
    {
        var lines = SwarmStatus.Lines(SwarmService.Parse(Inspect(1, updateState: "updating")),
        [
            Task("n", 1, "node-2", "Running", "Starting 2 seconds ago"),
            Task("o", 1, "node-1", "Running", "Running 1 hour ago", image: "127.0.0.1:5000/qts-observer:1.3.0"),
        ]);

        Assert.That(lines, Is.EqualTo(new[]
        {
            $"service {Service}: replicated, 1 replica(s), image {NewImage}; last update updating",
            $"  {Service}.1 on node-1: running, healthy (its health check passed), since 1 hour ago, 127.0.0.1:5000/qts-observer:1.3.0",
            $"  {Service}.1 on node-2: starting, health check not passed yet, since 2 seconds ago, {NewImage.Split('@')[1]}",
        }));
    }
}
