using QtsOps.Core.Swarm;
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
            $"  {Service}.1 on node-1: running since 4 minutes ago, {NewImage.Split('@')[1]}",
            $"  {Service}.2 on node-2: running since 3 minutes ago, {NewImage.Split('@')[1]}",
            $"  {Service}.3 on (not placed): pending since 10 seconds ago, {NewImage.Split('@')[1]} (no suitable node (max replicas per node limit exceed))",
        }));
    }
}
