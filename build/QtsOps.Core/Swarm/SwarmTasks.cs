using System.Globalization;
using System.Text.Json;

namespace QtsOps.Core.Swarm;

/// <summary>
/// One task of a service as `docker service ps --no-trunc --format '{{json .}}'` prints it (docker/cli's
/// task formatter: ID, Name, Image, Node, DesiredState, CurrentState "Running 2 minutes ago", Error in quotes).
/// </summary>
/// <param name="Node">The node's host name; empty while the task is not placed.</param>
/// <param name="DesiredState">What the engine wants of it, lower case: running, shutdown, ….</param>
/// <param name="State">What it is, lower case: pending, preparing, starting, running, failed, rejected, shutdown, complete, ….</param>
public sealed record SwarmTask(string Id, string Name, string Image, string Node, string DesiredState, string State, string Error)
{
    /// <summary>A task the engine wants running (the others are history: replaced, failed, shut down).</summary>
    public bool Current => DesiredState is "running" or "ready" or "accepted";

    public bool Running => State == "running";

    /// <summary>How long it has been in its state, as docker prints it ("5 minutes ago").</summary>
    public string Since { get; init; } = "";

    /// <summary>The digest its image is pinned by (sha256:…), or the image as named when it is not pinned (no '@': IndexOf gives -1, the whole name).</summary>
    public string Digest => Image[(Image.IndexOf('@') + 1)..];

    /// <summary>A task that ended by a failure the engine saw (the container exited, or could not be made).</summary>
    public bool Failed => State is "failed" or "rejected" || Error.Contains(NoSuchImage, StringComparison.OrdinalIgnoreCase);

    /// <summary>The engine stopped it and it ended so, with no error: its node was drained or the service scaled down (a crash or a failed health check ends as failed).</summary>
    public bool ShutDownByTheEngine => !Current && State == "shutdown" && Error.Length == 0;

    /// <summary>The scheduler found no node for it: a placement no node meets, or no node free of another task (max_replicas_per_node).</summary>
    public bool Unplaceable => State == "pending" && Error.Contains(NoSuitableNode, StringComparison.Ordinal);

    public const string NoSuitableNode = "no suitable node";
    public const string NoSuchImage = "No such image";

    /// <summary>Where it runs, for a line of progress or a report.</summary>
    public string Where => Node.Length > 0 ? $"{Name} on {Node}" : $"{Name} (not placed)";

    public string Describe() => $"{Where}: {State}{(Error.Length > 0 ? $": {Error}" : "")}";

    /// <summary>Each task of the output, one JSON object a line; blank lines skipped.</summary>
    public static IReadOnlyList<SwarmTask> ParseLines(IEnumerable<string> lines) =>
        [.. lines.Where(line => line.Trim().Length > 0).Select(Parse)];

    public static SwarmTask Parse(string line)
    {
        using var document = JsonDocument.Parse(line);
        var json = document.RootElement;
        string Text(string name) => json.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString()! : "";
        var current = Text("CurrentState").Split(' ', 2);
        return new SwarmTask(Text("ID"), Text("Name"), Text("Image"), Text("Node"),
            FirstWord(Text("DesiredState")), current[0].ToLowerInvariant(), Text("Error").Trim().Trim('"'))
        {
            Since = current.Length > 1 ? current[1] : "",
        };
    }

    private static string FirstWord(string text) => text.Split(' ', 2)[0].ToLowerInvariant();
}

/// <summary>The engine's account of the service's last update (docker service inspect's UpdateStatus).</summary>
/// <param name="State">updating, paused, completed, rollback_started, rollback_paused or rollback_completed.</param>
/// <param name="StartedAt">As the engine wrote it: tells this update from one before the deploy.</param>
public sealed record ServiceUpdate(string State, string Message, string StartedAt);

/// <summary>A service as `docker service inspect` describes it: how many tasks it wants, of which image, and its update.</summary>
/// <param name="Replicas">The tasks of a replicated service; null for a global one.</param>
public sealed record SwarmService(string Name, int? Replicas, string Image, ServiceUpdate? Update)
{
    /// <summary>The one service of `docker service inspect NAME`'s output (a JSON array).</summary>
    public static SwarmService Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        var service = Inspected.Service(document);
        var spec = service.GetProperty("Spec");
        int? replicas = spec.TryGetProperty("Mode", out var mode) && mode.TryGetProperty("Replicated", out var replicated) && replicated.TryGetProperty("Replicas", out var count)
            ? count.GetInt32() : null;
        var image = spec.GetProperty("TaskTemplate").GetProperty("ContainerSpec").GetProperty("Image").GetString() ?? "";
        ServiceUpdate? update = null;
        if (service.TryGetProperty("UpdateStatus", out var status) && status.ValueKind == JsonValueKind.Object)
            update = new ServiceUpdate(Inspected.Text(status, "State"), Inspected.Text(status, "Message"), Inspected.Text(status, "StartedAt"));
        return new SwarmService(Inspected.Text(spec, "Name"), replicas, image, update);
    }
}

public enum ConvergenceOutcome { Converging, Converged, Failed }

/// <summary>Where a deploy's wait stands: a line to print while it converges, or why it ended.</summary>
/// <param name="Errors">The failing tasks' own words (the engine's error of each), for the run's error.</param>
/// <param name="RolledBack">The engine rolls (or rolled) the update back: the release before serves.</param>
public sealed record Convergence(ConvergenceOutcome Outcome, string Summary, IReadOnlyList<string> Errors, bool RolledBack = false)
{
    public bool Done => Outcome != ConvergenceOutcome.Converging;
}

/// <summary>What a deploy's wait knows besides the service's tasks.</summary>
/// <param name="Image">The image the stack file pinned (repository@sha256:…): tasks of another are the release before.</param>
/// <param name="TasksBefore">The task ids the service had before the deploy: their failures are history.</param>
/// <param name="UpdateBefore">The service's update's StartedAt before the deploy (null: none): an update reported with it is the last deploy's.</param>
/// <param name="Elapsed">Since the stack was deployed.</param>
/// <param name="Timeout">The environment's healthTimeoutSeconds.</param>
public sealed record ConvergenceWatch(string Image, IReadOnlySet<string> TasksBefore, string? UpdateBefore, TimeSpan Elapsed, TimeSpan Timeout);

/// <summary>
/// The wait for a stack deploy, judged from the engine's own account (as `docker service update`'s
/// progress does, docker/cli cli/command/service/progress): converged once the tasks it wants run the
/// new image and the engine completed the update (a task runs only once its health check passed);
/// failed at once on a task that failed or was rejected (its error, e.g. "No such image"), one the
/// scheduler cannot place ("no suitable node"), an update the engine rolled back or paused; failed
/// at the timeout otherwise. So the wait never hangs.
/// </summary>
public static class ConvergenceJudgement
{
    /// <summary>How long a global service may have no task at all before its placement is blamed: the engine makes them within a second or two.</summary>
    public static readonly TimeSpan NoTaskGrace = TimeSpan.FromSeconds(15);

    public static Convergence Judge(SwarmService service, IReadOnlyList<SwarmTask> tasks, ConvergenceWatch watch)
    {
        var fresh = tasks.Where(task => !watch.TasksBefore.Contains(task.Id)).ToList();
        var errors = fresh.Where(task => task.Failed || task.Unplaceable).Select(task => task.Describe()).Distinct().ToList();
        var update = service.Update is { } status && status.StartedAt != watch.UpdateBefore ? status : null;
        var progress = Progress(service, tasks, watch.Image);

        switch (update?.State)
        {
            case "rollback_started" or "rollback_completed":
                return new Convergence(ConvergenceOutcome.Failed, $"the engine {(update.State == "rollback_started" ? "is rolling" : "rolled")} the update of {service.Name} back: {update.Message}", errors, RolledBack: true);
            case "paused" or "rollback_paused":
                return new Convergence(ConvergenceOutcome.Failed, $"the engine paused the {(update.State == "paused" ? "update" : "rollback")} of {service.Name}: {update.Message}", errors);
        }
        // A replacement waits for a node while a task it replaces still stops there (max_replicas_per_node 1): the engine places it once that task is gone.
        var stopping = tasks.Any(task => !task.Current && task.State is "running" or "starting" or "ready" or "preparing" or "assigned" or "accepted");
        if (fresh.FirstOrDefault(task => task.Unplaceable && !(stopping && task.Error.Contains(MaxReplicasPerNode, StringComparison.Ordinal))) is { } unplaced)
            return new Convergence(ConvergenceOutcome.Failed, $"no node can run {unplaced.Name}: {unplaced.Error} (the placement constraints, or max_replicas_per_node 1 with every allowed node holding a task: add a node, lower replicas or use updateOrder stop-first)", errors);
        if (fresh.Any(task => task.Failed && task.Image == watch.Image))
            return new Convergence(ConvergenceOutcome.Failed, $"a task of the new release failed: {progress.Line}", errors);

        if (progress.Converged && update?.State is null or "completed") return new Convergence(ConvergenceOutcome.Converged, progress.Line, []);
        if (watch.Elapsed >= watch.Timeout)
            return new Convergence(ConvergenceOutcome.Failed, $"{service.Name} did not converge within {watch.Timeout.TotalSeconds:0} s (healthTimeoutSeconds): {progress.Line}", errors);
        if (service.Replicas is null && progress.Desired == 0 && watch.Elapsed >= NoTaskGrace)
            return new Convergence(ConvergenceOutcome.Failed, $"{service.Name} has no task after {watch.Elapsed.TotalSeconds:0} s: no node meets its placement constraints", errors);
        var line = progress.Converged ? $"{progress.Line}; the engine watches the new tasks before it completes the update" : progress.Line;
        return new Convergence(ConvergenceOutcome.Converging, line, errors);
    }

    /// <summary>What the scheduler says of a task no node can take because each allowed node holds one of the service's tasks.</summary>
    public const string MaxReplicasPerNode = "max replicas per node";

    private sealed record Count(int Running, int Desired, bool Converged, string Line);

    /// <summary>Tasks running the new image of those the engine wants, in all and per node.</summary>
    private static Count Progress(SwarmService service, IReadOnlyList<SwarmTask> tasks, string image)
    {
        var current = tasks.Where(task => task.Current).ToList();
        var running = current.Count(task => task.Running && task.Image == image);
        var older = current.Count(task => task.Image != image);
        // Global: one task per node the engine placed one on.
        var desired = service.Replicas ?? current.Select(task => task.Node).Where(node => node.Length > 0).Distinct().Count();
        var perNode = current.Where(task => task.Image == image)
            .GroupBy(task => task.Node.Length > 0 ? task.Node : "(not placed)")
            .OrderBy(group => group.Key, StringComparer.Ordinal)
            .Select(group => $"{group.Key}: {string.Join(", ", group.Select(task => task.State).Order(StringComparer.Ordinal))}");
        var line = string.Create(CultureInfo.InvariantCulture, $"{service.Name}: {running}/{desired} running the new release")
            + (older > 0 ? $", {older} of the release before still running" : "")
            + (perNode.Any() ? $" ({string.Join("; ", perNode)})" : "");
        return new Count(running, desired, desired > 0 && running >= desired && older == 0, line);
    }
}
