using QtsOps.Core.Verification;

namespace QtsOps.Core.Swarm;

/// <summary>status on a swarm (issue 23, point 5): the service, its update, and each task the engine wants with its node, state, health, since when and image digest.</summary>
public static class SwarmStatus
{
    /// <param name="health">Each task's own /health by task id, where it was asked; the others' health is what their state says.</param>
    public static IReadOnlyList<string> Lines(SwarmService service, IReadOnlyList<SwarmTask> tasks, IReadOnlyDictionary<string, HttpEvidence>? health = null)
    {
        var mode = service.Replicas is { } replicas ? $"replicated, {replicas} replica(s)" : "global";
        var update = service.Update is { } u ? $"; last update {u.State}{(u.Message.Length > 0 ? $": {u.Message}" : "")}" : "";
        return
        [
            $"service {service.Name}: {mode}, image {service.Image}{update}",
            .. tasks.Where(task => task.Current).OrderBy(task => task.Name, StringComparer.Ordinal).ThenBy(task => task.Node, StringComparer.Ordinal)
                .Select(task => $"  {task.Name} on {(task.Node.Length > 0 ? task.Node : "(not placed)")}: {task.State}, {Health(task, health?.GetValueOrDefault(task.Id))}"
                    + $"{(task.Since.Length > 0 ? $", since {task.Since}" : "")}, {task.Digest}{(task.Error.Length > 0 ? $" ({task.Error})" : "")}"),
        ];
    }

    /// <summary>Its own /health when it was asked; else its state's word (the engine starts a task "starting" and marks it running once its health check passed).</summary>
    private static string Health(SwarmTask task, HttpEvidence? asked) => asked switch
    {
        { StatusCode: 200 } => "healthy (/health 200)",
        { StatusCode: { } code } => $"unhealthy (/health {code})",
        { } failed => $"/health not answered ({failed.Error})",
        null => task.State switch
        {
            "running" => "healthy (its health check passed)",
            "starting" => "health check not passed yet",
            _ => "no health",
        },
    };
}
