using QtsOps.Core.Swarm;

namespace QtsOps.Tests.Core;

/// <summary>
/// Output of the swarm's commands in the shapes docker prints: `docker service ps --no-trunc --format '{{json .}}'`
/// (docker/cli cli/command/task/formatter.go: the states pretty-printed with their age, the error in quotes) and
/// `docker service inspect` (moby's swarm.Service: Spec.Mode, Spec.TaskTemplate.ContainerSpec.Image, UpdateStatus).
/// </summary>
public static class SwarmSamples
{
    public const string Service = "qts-observer_qts-observer";
    public const string NewImage = "127.0.0.1:5000/qts-observer@sha256:1111111111111111111111111111111111111111111111111111111111111111";
    public const string OldImage = "127.0.0.1:5000/qts-observer@sha256:0000000000000000000000000000000000000000000000000000000000000000";

    /// <param name="slot">A replicated task's slot number; a global task is named by its node's id instead.</param>
    public static string PsLine(string id, object slot, string node, string desired, string current, string image = NewImage, string error = "") =>
        $"{{\"CurrentState\":\"{current}\",\"DesiredState\":\"{desired}\",\"Error\":\"{(error.Length > 0 ? $"\\\"{error}\\\"" : "")}\",\"ID\":\"{id}\",\"Image\":\"{image}\",\"Name\":\"{Service}.{slot}\",\"Node\":\"{node}\",\"Ports\":\"\"}}";

    public static SwarmTask Task(string id, object slot, string node, string desired, string current, string image = NewImage, string error = "") =>
        SwarmTask.Parse(PsLine(id, slot, node, desired, current, image, error));

    public static string Inspect(int? replicas, string image = NewImage, string? updateState = null, string startedAt = "2026-12-06T09:30:00.123456789Z", string message = "")
    {
        var mode = replicas is { } count ? $"{{ \"Replicated\": {{ \"Replicas\": {count} }} }}" : "{ \"Global\": {} }";
        var update = updateState is null ? "" : $",\n        \"UpdateStatus\": {{ \"State\": \"{updateState}\", \"StartedAt\": \"{startedAt}\", \"Message\": \"{message}\" }}";
        return $$"""
            [
                {
                    "ID": "v0j3kx3s9cbd",
                    "Version": { "Index": 2045 },
                    "CreatedAt": "2026-12-06T09:00:00.000000001Z",
                    "UpdatedAt": "{{startedAt}}",
                    "Spec": {
                        "Name": "{{Service}}",
                        "Labels": { "com.docker.stack.namespace": "qts-observer" },
                        "TaskTemplate": { "ContainerSpec": { "Image": "{{image}}" }, "ForceUpdate": 0 },
                        "Mode": {{mode}},
                        "UpdateConfig": { "Parallelism": 1, "FailureAction": "rollback", "Monitor": 10000000000, "MaxFailureRatio": 0, "Order": "start-first" }
                    },
                    "Endpoint": { "Spec": { "Mode": "dnsrr" } }{{update}}
                }
            ]
            """;
    }
}
