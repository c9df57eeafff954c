using System.Diagnostics;
using QtsOps.Build.Registry;
using QtsOps.Core.Swarm;
using QtsOps.Tools;
using QtsOps.Tools.Docker;

namespace QtsOps.Build.Deployment.Swarm;

/// <summary>What runs on a node: an image, the host folders it mounts (host path → path in the task), the entrypoint and its arguments.</summary>
public sealed record NodeJob(string Image, IReadOnlyDictionary<string, string> Mounts, string Entrypoint, IReadOnlyList<string> Arguments);

/// <summary>
/// One-off tasks through the manager, as root: a global job pinned to each of some nodes (constrained to the node's id),
/// or one global job on every node a placement allows; all started at once and waited for together, bounded and
/// cancellable; what each printed is read (`docker service logs --raw`) and the jobs are removed however the wait ends.
/// </summary>
/// <param name="registry">The run's registry and login: the nodes pull the image.</param>
public sealed class SwarmNodeJobs(DeploySession session, Func<RegistryAccess> registry)
{
    private static readonly TimeSpan Poll = TimeSpan.FromSeconds(1);

    /// <summary>How long a job may go without a task: none after that means the engine will not place it.</summary>
    private static readonly TimeSpan Unplaced = TimeSpan.FromSeconds(10);

    private DockerEngine Engine => session.Engine;

    /// <summary>One job of a run: where it goes (for the log and the errors), its service, the constraints that place it, and what it runs.</summary>
    private sealed record PlacedJob(string Where, string Service, IReadOnlyList<string> Constraints, NodeJob Job);

    /// <param name="purpose">What the jobs do, for the log and the errors: "backing up the data".</param>
    /// <param name="jobOn">What runs on a node.</param>
    /// <returns>Each node's standard output, by its hostname.</returns>
    /// <exception cref="ReleaseStartException">A job could not be made, was not placed, did not end in time, or failed on its node (with the task's error and what it said).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellation"/> came first.</exception>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Run(string purpose, IReadOnlyList<SwarmNode> nodes, Func<SwarmNode, NodeJob> jobOn, TimeSpan timeout, CancellationToken cancellation)
    {
        var prefix = NewJobName();
        var jobs = nodes.Select((node, index) => new PlacedJob(node.Hostname, $"{prefix}-{index + 1}", [$"node.id=={node.Id}"], jobOn(node))).ToList();
        return Running(purpose, jobs, () =>
        {
            if (Wait(purpose, jobs, timeout, cancellation).Unplaced is { } unplaced)
                throw new ReleaseStartException($"{purpose}: no task of its job on {unplaced.Where} within {Unplaced.TotalSeconds:0} s, though the node is ready and active");
            return jobs.ToDictionary(placed => placed.Where, placed => Engine.Call(DockerAliases.Docker, new SwarmJobOutputSettings { Service = placed.Service }).EnsureSuccess().Output);
        });
    }

    /// <summary>One job on every node <paramref name="constraints"/> allow, waited for.</summary>
    /// <returns>The nodes it ran on; none when no node took it within <see cref="Unplaced"/> (the placement allows none).</returns>
    /// <exception cref="ReleaseStartException">The job could not be made, did not end in time, or failed on a node.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellation"/> came first.</exception>
    public IReadOnlyList<string> RunWherePlaced(string purpose, IReadOnlyList<string> constraints, NodeJob job, TimeSpan timeout, CancellationToken cancellation)
    {
        var jobs = new[] { new PlacedJob("the nodes the placement allows", NewJobName(), constraints, job) };
        return Running(purpose, jobs, () => Wait(purpose, jobs, timeout, cancellation).Nodes);
    }

    /// <summary>A name no other job has: the stack's, so that the jobs are the environment's to see and remove.</summary>
    private string NewJobName() => $"{session.Target.ComposeProject}_job-{Guid.NewGuid().ToString("N")[..8]}";

    /// <summary>Makes the jobs, gives <paramref name="wait"/>'s answer, and removes them however it ends.</summary>
    private T Running<T>(string purpose, IReadOnlyList<PlacedJob> jobs, Func<T> wait)
    {
        try
        {
            var access = registry();
            using (var client = access.Open(Engine, $"{purpose} with", session.Log))
                foreach (var placed in jobs)
                {
                    var create = Engine.Call(DockerAliases.Docker, new SwarmNodeJobSettings
                    {
                        Name = placed.Service, Image = placed.Job.Image, Constraints = placed.Constraints, WithRegistryAuth = access.Username is not null, ConfigDirectory = client.ConfigDirectory,
                        Mounts = placed.Job.Mounts, Entrypoint = placed.Job.Entrypoint, Arguments = placed.Job.Arguments,
                    });
                    if (create.ExitCode != 0)
                        throw new ReleaseStartException($"{purpose} on {placed.Where}: the job could not be created: {string.Join(" | ", create.Error.NonBlank().TakeLast(3))}");
                }
            return wait();
        }
        finally
        {
            foreach (var placed in jobs) Engine.Call(DockerAliases.Docker, new SwarmServiceRemoveSettings { Service = placed.Service });
        }
    }

    /// <returns>The nodes the jobs ran on once all ended, or the first job no node took (then no node is named).</returns>
    private (IReadOnlyList<string> Nodes, PlacedJob? Unplaced) Wait(string purpose, IReadOnlyList<PlacedJob> jobs, TimeSpan timeout, CancellationToken cancellation)
    {
        var timer = Stopwatch.StartNew();
        while (true)
        {
            cancellation.ThrowIfCancellationRequested();
            var tasks = jobs.Select(placed => (Job: placed, Tasks: SwarmTask.ParseLines(Engine.Call(DockerAliases.Docker, new SwarmServicePsSettings { Service = placed.Service }).EnsureSuccess().Output))).ToList();
            var outcomes = tasks.Select(job => (job.Job, Outcome: NodeFolders.Judge(job.Tasks))).ToList();
            if (outcomes.FirstOrDefault(job => job.Outcome.Failures.Count > 0) is { Job: not null } failed)
            {
                var said = Engine.Call(DockerAliases.Docker, new SwarmJobOutputSettings { Service = failed.Job.Service }).Error.NonBlank().TakeLast(3);
                throw new ReleaseStartException($"{purpose} failed on {failed.Job.Where}: {string.Join("; ", failed.Outcome.Failures)}{(said.Any() ? $" ({string.Join(" | ", said)})" : "")}");
            }
            if (outcomes.All(job => job.Outcome.Done)) return (tasks.SelectMany(job => job.Tasks).Select(task => task.Node).Order(StringComparer.Ordinal).ToList(), null);
            if (timer.Elapsed >= Unplaced && tasks.FirstOrDefault(job => job.Tasks.Count == 0) is { Job: not null } unplaced) return ([], unplaced.Job);
            if (timer.Elapsed >= timeout)
                throw new ReleaseStartException($"{purpose} did not end within {timeout.TotalSeconds:0} s: {string.Join("; ", tasks.SelectMany(job => job.Tasks).Select(task => task.Describe()))}");
            cancellation.WaitHandle.WaitOne(Poll);
        }
    }
}
