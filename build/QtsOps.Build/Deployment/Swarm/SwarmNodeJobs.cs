using System.Diagnostics;
using QtsOps.Build.Registry;
using QtsOps.Core.Swarm;
using QtsOps.Tools;
using QtsOps.Tools.Docker;

namespace QtsOps.Build.Deployment.Swarm;

/// <summary>What runs on each node: an image, the host folders it mounts (host path → path in the task) and the entrypoint's arguments a node.</summary>
public sealed record NodeJob(string Image, IReadOnlyDictionary<string, string> Mounts, string Entrypoint, Func<SwarmNode, IReadOnlyList<string>> Arguments);

/// <summary>
/// A one-off task on each of some nodes, through the manager: a job pinned to each node (a global job constrained to the
/// node's id), as root, all started at once and waited for together, bounded and cancellable; what each printed is read
/// (`docker service logs --raw`) and the jobs are removed however the wait ends.
/// </summary>
/// <param name="registry">The run's registry and login: the nodes pull the image.</param>
public sealed class SwarmNodeJobs(DeploySession session, Func<RegistryAccess> registry)
{
    private static readonly TimeSpan Poll = TimeSpan.FromSeconds(1);

    /// <summary>How long a job pinned to a ready, active node may go without a task: none after that means the engine will not place it.</summary>
    private static readonly TimeSpan Unplaced = TimeSpan.FromSeconds(10);

    private DockerEngine Engine => session.Engine;

    /// <param name="purpose">What the jobs do, for the log and the errors: "backing up the data".</param>
    /// <returns>Each node's standard output, by its hostname.</returns>
    /// <exception cref="ReleaseStartException">A job could not be made, was not placed, did not end in time, or failed on its node (with the task's error and what it said).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellation"/> came first.</exception>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Run(string purpose, IReadOnlyList<SwarmNode> nodes, NodeJob job, TimeSpan timeout, CancellationToken cancellation)
    {
        var prefix = $"{session.Target.ComposeProject}_job-{Guid.NewGuid().ToString("N")[..8]}";
        var jobs = nodes.Select((node, index) => (Node: node, Service: $"{prefix}-{index + 1}")).ToList();
        try
        {
            var access = registry();
            using (var client = access.Open(Engine, $"{purpose} with", session.Log))
                foreach (var (node, service) in jobs)
                {
                    var create = Engine.Call(DockerAliases.Docker, new SwarmNodeJobSettings
                    {
                        Name = service, Image = job.Image, Constraints = [$"node.id=={node.Id}"], WithRegistryAuth = access.Username is not null, ConfigDirectory = client.ConfigDirectory,
                        Mounts = job.Mounts, Entrypoint = job.Entrypoint, Arguments = job.Arguments(node),
                    });
                    if (create.ExitCode != 0)
                        throw new ReleaseStartException($"{purpose} on {node.Hostname}: the job could not be created: {string.Join(" | ", create.Error.NonBlank().TakeLast(3))}");
                }
            Wait(purpose, jobs, timeout, cancellation);
            return jobs.ToDictionary(job => job.Node.Hostname, job => Engine.Call(DockerAliases.Docker, new SwarmJobOutputSettings { Service = job.Service }).EnsureSuccess().Output);
        }
        finally
        {
            foreach (var (_, service) in jobs) Engine.Call(DockerAliases.Docker, new SwarmServiceRemoveSettings { Service = service });
        }
    }

    private void Wait(string purpose, IReadOnlyList<(SwarmNode Node, string Service)> jobs, TimeSpan timeout, CancellationToken cancellation)
    {
        var timer = Stopwatch.StartNew();
        while (true)
        {
            cancellation.ThrowIfCancellationRequested();
            var tasks = jobs.Select(job => (job.Node, job.Service, Tasks: SwarmTask.ParseLines(Engine.Call(DockerAliases.Docker, new SwarmServicePsSettings { Service = job.Service }).EnsureSuccess().Output))).ToList();
            var outcomes = tasks.Select(job => (job.Node, job.Service, Outcome: NodeFolders.Judge(job.Tasks))).ToList();
            if (outcomes.FirstOrDefault(job => job.Outcome.Failures.Count > 0) is { Node: not null } failed)
            {
                var said = Engine.Call(DockerAliases.Docker, new SwarmJobOutputSettings { Service = failed.Service }).Error.NonBlank().TakeLast(3);
                throw new ReleaseStartException($"{purpose} failed on {failed.Node.Hostname}: {string.Join("; ", failed.Outcome.Failures)}{(said.Any() ? $" ({string.Join(" | ", said)})" : "")}");
            }
            if (outcomes.All(job => job.Outcome.Done)) return;
            if (timer.Elapsed >= Unplaced && tasks.FirstOrDefault(job => job.Tasks.Count == 0) is { Node: not null } unplaced)
                throw new ReleaseStartException($"{purpose}: no task of its job on {unplaced.Node.Hostname} within {Unplaced.TotalSeconds:0} s, though the node is ready and active");
            if (timer.Elapsed >= timeout)
                throw new ReleaseStartException($"{purpose} did not end within {timeout.TotalMinutes:0} min: {string.Join("; ", tasks.SelectMany(job => job.Tasks).Select(task => task.Describe()))}");
            cancellation.WaitHandle.WaitOne(Poll);
        }
    }
}
