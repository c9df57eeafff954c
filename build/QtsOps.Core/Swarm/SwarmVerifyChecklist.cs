using QtsOps.Core.Verification;

namespace QtsOps.Core.Swarm;

/// <summary>A node the service's port is published on, and what its /health said; null <see cref="Health"/>: not asked, for <see cref="NotAskedBecause"/>.</summary>
/// <param name="Address">The address the swarm knows the node by (docker node inspect's Status.Addr).</param>
public sealed record NodeHealth(string Node, string Address, HttpEvidence? Health, string? NotAskedBecause = null);

/// <summary>What verify gathered of a swarm environment; <see cref="SwarmVerifyChecklist"/> judges it.</summary>
public sealed record SwarmVerifyEvidence
{
    public required SwarmService Service { get; init; }
    /// <summary>docker service ps of the service, the history included.</summary>
    public required IReadOnlyList<SwarmTask> Tasks { get; init; }
    /// <summary>The image the release's stack file pinned.</summary>
    public required string Image { get; init; }
    /// <summary>The task ids before the update: a task of the new image made since, that is no longer wanted, was replaced.</summary>
    public required IReadOnlySet<string> TasksBefore { get; init; }
    public required IReadOnlyList<NodeHealth> Nodes { get; init; }
    /// <summary>docker service logs since the update, each line as printed ("name.1.id@node    | text").</summary>
    public required IReadOnlyList<string> LogLines { get; init; }
    /// <summary>The records in each node's data directory, by node; a node that runs a task and is missing here was not read.</summary>
    public required IReadOnlyDictionary<string, DataRecordEvidence> Records { get; init; }
    /// <summary>Each task's own /health, asked at its address on the overlay network, by task id; a task missing here is judged by its state alone.</summary>
    public IReadOnlyDictionary<string, HttpEvidence> TaskHealth { get; init; } = new Dictionary<string, HttpEvidence>();
}

/// <summary>
/// verify on a swarm: the service's every task judged, not one container. Per task: wanted running and
/// running the release's image (the engine holds a task in "starting" until its health check passes,
/// so running is healthy); the tasks the service wants, all there; no task of the release replaced
/// since the update; /health through each node's published port that was asked (the report names which
/// were, and why the others were not); the service's logs clean; records written since the update on each
/// node that runs a task. The results are <see cref="CheckResult"/>s, for <see cref="VerifyReport"/>.
/// </summary>
public static class SwarmVerifyChecklist
{
    public static IReadOnlyList<CheckResult> Evaluate(SwarmVerifyEvidence evidence)
    {
        var current = evidence.Tasks.Where(task => task.Current).ToList();
        return
        [
            TaskCount(evidence, current),
            .. current.Select(task => Task(task, evidence.Image, evidence.TaskHealth.GetValueOrDefault(task.Id))),
            Replaced(evidence),
            .. evidence.Nodes.Select(HealthEndpoint),
            Asked(evidence.Nodes),
            LogsClean(evidence),
            .. current.Select(task => task.Node).Where(node => node.Length > 0).Distinct().Order(StringComparer.Ordinal).Select(node => Records(evidence, node)),
        ];
    }

    private static CheckResult TaskCount(SwarmVerifyEvidence e, IReadOnlyList<SwarmTask> current)
    {
        var running = current.Count(task => task.Running && task.Image == e.Image);
        var wanted = e.Service.Replicas ?? current.Select(task => task.Node).Where(node => node.Length > 0).Distinct().Count();
        var seen = wanted == 0 ? "no task: the engine placed none (see the placement constraints and the nodes' availability)"
            : $"{running} of {(e.Service.Replicas is null ? $"{wanted} node(s) (global)" : $"{wanted} replica(s)")} running the release";
        return running >= wanted && wanted > 0
            ? CheckResult.Pass("tasks", seen)
            : CheckResult.Fail("tasks", seen, $"see `docker service ps --no-trunc {e.Service.Name}` for the tasks' states and errors");
    }

    private static CheckResult Task(SwarmTask task, string image, HttpEvidence? health)
    {
        var name = $"task {task.Name}@{(task.Node.Length > 0 ? task.Node : "(not placed)")}";
        if (task.Image != image)
            return CheckResult.Fail(name, $"runs {task.Image}, not the release's {image}", "deploy the release again: the engine has not replaced this task");
        if (task.Running && health is { StatusCode: not 200 })
            return CheckResult.Fail(name, $"running, but its own /health answered {EndpointJudgement.Summary(health)} {health.Body}".TrimEnd(),
                $"the engine replaces it once its health check fails: see `docker service logs {task.Name.Split('.')[0]}`");
        var asked = health is null ? "" : $"; its own /health at {health.Url}: 200";
        return task.Running
            ? CheckResult.Pass(name, $"wanted running and running (the engine marks a task running only once its health check passed){asked}")
            : CheckResult.Fail(name, $"wanted {task.DesiredState}, is {task.State}{(task.Error.Length > 0 ? $": {task.Error}" : "")}", $"see `docker service ps --no-trunc {task.Name.Split('.')[0]}` and `docker service logs {task.Name.Split('.')[0]}`");
    }

    /// <summary>
    /// A task the engine replaced since the update counts as a restart, as a container's restart count does on one engine; one it shut
    /// down itself, without an error (its node drained, the service scaled down), was moved, not restarted.
    /// </summary>
    private static CheckResult Replaced(SwarmVerifyEvidence e)
    {
        var replaced = e.Tasks.Where(task => !task.Current && task.Image == e.Image && !e.TasksBefore.Contains(task.Id) && !task.ShutDownByTheEngine).ToList();
        return replaced.Count == 0
            ? CheckResult.Pass("restarts", "no task of the release replaced since the update")
            : CheckResult.Fail("restarts", $"{replaced.Count} task(s) of the release replaced since the update: {string.Join("; ", replaced.Select(task => task.Describe()))}",
                $"the service crashes or fails its health check: see `docker service logs {e.Service.Name}`");
    }

    private static CheckResult HealthEndpoint(NodeHealth node)
    {
        var name = $"health-endpoint@{node.Node}";
        if (node.Health is not { } h) return CheckResult.Pass(name, $"not asked: {node.NotAskedBecause ?? "unreachable from here"}");
        return h.StatusCode == 200
            ? CheckResult.Pass(name, $"GET {h.Url} -> 200")
            : CheckResult.Fail(name, h.StatusCode is { } code ? $"GET {h.Url} -> {code} {h.Body}" : $"GET {h.Url} failed: {h.Error}",
                $"the edge on {node.Node} ({node.Address}) publishes the port: see `docker service ps` of the edge service and the /health body");
    }

    /// <summary>A verify that asked no node judged no /health at all: that is a failure, not a pass.</summary>
    private static CheckResult Asked(IReadOnlyList<NodeHealth> nodes)
    {
        var asked = nodes.Where(node => node.Health is not null).Select(node => node.Node).ToList();
        var skipped = nodes.Where(node => node.Health is null).Select(node => node.Node).ToList();
        var seen = $"asked {(asked.Count == 0 ? "no node" : string.Join(", ", asked))}{(skipped.Count > 0 ? $"; not asked: {string.Join(", ", skipped)}" : "")}";
        return asked.Count > 0
            ? CheckResult.Pass("health-endpoints-asked", seen)
            : CheckResult.Fail("health-endpoints-asked", seen, "run verify where the nodes' published port is reachable (the nodes' addresses as `docker node inspect` gives them)");
    }

    private static CheckResult LogsClean(SwarmVerifyEvidence e)
    {
        var errors = e.LogLines.Where(line => VerifyChecklist.IsErrorLine(LogText(line))).ToList();
        return errors.Count == 0
            ? CheckResult.Pass("logs-clean", $"{e.LogLines.Count} log line(s) of the service since the update, none at level ERROR or CRITICAL and no traceback")
            : CheckResult.Fail("logs-clean", $"{errors.Count} error line(s), first: {errors[0].Trim()}", $"read `docker service logs {e.Service.Name}`");
    }

    /// <summary>The service's own line of a `docker service logs` line, without the task and node it prints before " | ".</summary>
    public static string LogText(string line)
    {
        var separator = line.IndexOf(" | ", StringComparison.Ordinal);
        return separator >= 0 && line[..separator].Contains('@') ? line[(separator + 3)..] : line;
    }

    private static CheckResult Records(SwarmVerifyEvidence e, string node)
    {
        var name = $"data-records@{node}";
        if (!e.Records.TryGetValue(node, out var records)) return CheckResult.Fail(name, $"the data directory of {node} was not read", "verify reads each node's data directory that runs a task");
        if (records.Error is not null) return CheckResult.Fail(name, $"could not read the records: {records.Error}", "the data mount must hold observations-*.jsonl on each node");
        var fresh = records.RecordTimes.Count(time => time >= records.Since);
        return fresh > 0
            ? CheckResult.Pass(name, $"{fresh} record(s) written since {records.Since:u}")
            : CheckResult.Fail(name, $"no record written since {records.Since:u}", $"the task on {node} is stalled: see `docker service logs {e.Service.Name}`");
    }
}
