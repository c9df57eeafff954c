namespace QtsOps.Core.Swarm;

/// <summary>status on a swarm (issue 23, point 5): the service, its update, and each task the engine wants with its node, state, since when and image digest.</summary>
public static class SwarmStatus
{
    public static IReadOnlyList<string> Lines(SwarmService service, IReadOnlyList<SwarmTask> tasks)
    {
        var mode = service.Replicas is { } replicas ? $"replicated, {replicas} replica(s)" : "global";
        var update = service.Update is { } u ? $"; last update {u.State}{(u.Message.Length > 0 ? $": {u.Message}" : "")}" : "";
        return
        [
            $"service {service.Name}: {mode}, image {service.Image}{update}",
            .. tasks.Where(task => task.Current).OrderBy(task => task.Name, StringComparer.Ordinal).ThenBy(task => task.Node, StringComparer.Ordinal)
                .Select(task => $"  {task.Name} on {(task.Node.Length > 0 ? task.Node : "(not placed)")}: {task.State}{(task.Since.Length > 0 ? $" since {task.Since}" : "")}, {task.Digest}{(task.Error.Length > 0 ? $" ({task.Error})" : "")}"),
        ];
    }
}
