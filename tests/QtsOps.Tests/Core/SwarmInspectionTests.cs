using QtsOps.Core.Swarm;

namespace QtsOps.Tests.Core;

/// <summary>
/// What verify and status read of a swarm besides `docker service ps`, in the shapes the engine prints:
/// `docker node inspect` (moby's swarm.Node), `docker inspect --type task` (swarm.Task), the service's
/// times, and the lines the task probe prints.
/// </summary>
[Category("Core")]
public class SwarmInspectionTests
{
    [Test]
    public void Nodes_are_read_with_the_address_the_swarm_knows_and_a_down_or_drained_one_is_not_asked()
    {
        const string json = """
            [
                { "ID": "n1", "Description": { "Hostname": "node-1" }, "Spec": { "Availability": "active", "Role": "manager" },
                  "Status": { "State": "ready", "Addr": "10.77.0.2" }, "ManagerStatus": { "Leader": true, "Addr": "10.77.0.2:2377" } },
                { "ID": "n2", "Description": { "Hostname": "node-2" }, "Spec": { "Availability": "drain" }, "Status": { "State": "ready", "Addr": "10.77.0.3" } },
                { "ID": "n3", "Description": { "Hostname": "node-3" }, "Spec": { "Availability": "active" }, "Status": { "State": "down", "Addr": "10.77.0.4" } }
            ]
            """;

        var nodes = SwarmNode.ParseInspect(json);

        Assert.That(nodes, Is.EqualTo(new[]
        {
            new SwarmNode("n1", "node-1", "10.77.0.2", "ready", "active"),
            new SwarmNode("n2", "node-2", "10.77.0.3", "ready", "drain"),
            new SwarmNode("n3", "node-3", "10.77.0.4", "down", "active"),
        }));
        Assert.That(nodes.Select(node => node.NotServingBecause), Is.EqualTo(new[] { null, "the node is drained", "the node is down" }));
    }

    [Test]
    public void Tasks_are_read_with_when_the_engine_made_them_and_their_overlay_addresses_without_the_prefix_length()
    {
        const string json = """
            [
                { "ID": "t1", "CreatedAt": "2026-12-06T09:30:01.123456789Z", "DesiredState": "running",
                  "NetworksAttachments": [ { "Network": { "Spec": { "Name": "qts-network" } }, "Addresses": [ "10.0.1.5/24" ] } ] },
                { "ID": "t2", "CreatedAt": "2026-12-06T09:29:00Z" },
                { "ID": "t3", "CreatedAt": "2026-12-06T09:29:30Z", "NetworksAttachments": [ { "Network": { "Spec": { "Name": "ingress" } }, "Addresses": null } ] }
            ]
            """;

        var tasks = SwarmTaskDetail.ParseInspect(json);

        Assert.That(tasks.Select(task => (task.Id, task.CreatedAt)), Is.EqualTo(new[]
        {
            ("t1", new DateTimeOffset(2026, 12, 6, 9, 30, 1, TimeSpan.Zero).AddTicks(1234567)),
            ("t2", new DateTimeOffset(2026, 12, 6, 9, 29, 0, TimeSpan.Zero)),
            ("t3", new DateTimeOffset(2026, 12, 6, 9, 29, 30, TimeSpan.Zero)),
        }));
        Assert.That(tasks[0].Addresses, Is.EqualTo(new[] { new TaskAddress("qts-network", "10.0.1.5") }));
        Assert.That(tasks[1].Addresses, Is.Empty);
        Assert.That(tasks[2].Addresses, Is.Empty, "an attachment with no addresses yet (the engine prints null)");
    }

    [Test]
    public void The_service_changed_when_its_last_update_started_or_when_it_was_made_if_never_updated()
    {
        Assert.That(ServiceChange.Since(SwarmSamples.Inspect(2, updateState: "completed", startedAt: "2026-12-06T09:30:00.5Z")),
            Is.EqualTo(new DateTimeOffset(2026, 12, 6, 9, 30, 0, 500, TimeSpan.Zero)));
        Assert.That(ServiceChange.Since(SwarmSamples.Inspect(2)), Is.EqualTo(new DateTimeOffset(2026, 12, 6, 9, 0, 0, TimeSpan.Zero)), "CreatedAt, its nanosecond cut");
    }

    [Test]
    public void Engine_times_keep_seven_digits_of_the_nanoseconds_and_their_offset()
    {
        Assert.That(EngineTime.Parse("2026-12-06T09:30:01.987654321+01:00"), Is.EqualTo(new DateTimeOffset(2026, 12, 6, 9, 30, 1, TimeSpan.FromHours(1)).AddTicks(9876543)));
        Assert.That(EngineTime.Parse("2026-12-06T09:30:01Z"), Is.EqualTo(new DateTimeOffset(2026, 12, 6, 9, 30, 1, TimeSpan.Zero)));
        Assert.That(EngineTime.Parse("2026-12-06T09:30:01.123456789"), Is.EqualTo(new DateTimeOffset(2026, 12, 6, 9, 30, 1, TimeSpan.Zero).AddTicks(1234567)), "no offset: UTC");
    }

    [Test]
    public void The_probes_lines_give_each_tasks_own_health_and_last_record_or_why_it_did_not_answer()
    {
        var answers = TaskHealth.ParseLines(
        [
            """{"address": "10.0.1.5", "url": "http://10.0.1.5:8000/health", "status": 200, "body": "{\"status\": \"ok\", \"last_record_at\": \"2026-12-06T09:31:00+00:00\"}"}""",
            """{"address": "10.0.1.6", "url": "http://10.0.1.6:8000/health", "status": 503, "body": "{\"status\": \"unhealthy\", \"last_record_at\": null}"}""",
            """{"address": "10.0.1.7", "url": "http://10.0.1.7:8000/health", "error": "<urlopen error [Errno 111] Connection refused>"}""",
            "",
        ]);

        Assert.That(answers.Select(answer => (answer.Address, answer.Health.StatusCode, answer.LastRecordAt)), Is.EqualTo(new (string, int?, DateTimeOffset?)[]
        {
            ("10.0.1.5", 200, new DateTimeOffset(2026, 12, 6, 9, 31, 0, TimeSpan.Zero)),
            ("10.0.1.6", 503, null),
            ("10.0.1.7", null, null),
        }));
        Assert.That(answers.Select(answer => answer.Health.Url), Is.EqualTo(new[] { "http://10.0.1.5:8000/health", "http://10.0.1.6:8000/health", "http://10.0.1.7:8000/health" }));
        Assert.That((answers[2].Health.Error, answers[2].Health.Body), Is.EqualTo(("<urlopen error [Errno 111] Connection refused>", "")));
        Assert.That(answers[1].Health.Body, Does.Contain("unhealthy"));
    }

    [Test]
    public void A_value_read_at_a_path_is_empty_where_the_path_is_missing_or_ends_on_no_string()
    {
        // ID a number, Description a string where an object is read through, Status.State null, Spec without Availability.
        const string nodes = """[ { "ID": 7, "Description": "node-1", "Spec": {}, "Status": { "Addr": "10.77.0.2", "State": null } } ]""";
        Assert.That(SwarmNode.ParseInspect(nodes), Is.EqualTo(new[] { new SwarmNode("", "", "10.77.0.2", "", "") }));

        var service = SwarmService.Parse("""
            [ { "Spec": { "Name": null, "TaskTemplate": { "ContainerSpec": { "Image": "qts-observer:1.0.0" } } },
                "UpdateStatus": { "State": 3, "Message": "update completed" } } ]
            """);
        Assert.That((service.Name, service.Update), Is.EqualTo(("", new ServiceUpdate("", "update completed", ""))));
    }
}
