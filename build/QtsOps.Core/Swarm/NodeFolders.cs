namespace QtsOps.Core.Swarm;

/// <summary>How a job that ran once on every node it was given ended: done when each task completed or failed, and the failures' own words.</summary>
public sealed record NodeJobOutcome(bool Done, IReadOnlyList<string> Failures);

/// <summary>
/// The host folders a swarm's tasks bind-mount (data, logs, config) must exist on each node before the tasks start: the engine
/// rejects a task whose bind source is missing, and never makes one. A job on every node makes them, with the top folder of
/// each (/srv of /srv/qts/data) mounted at <see cref="MountRoot"/>, which every node has.
/// </summary>
public static class NodeFolders
{
    /// <summary>Where the job sees the nodes' folders: a host path P is MountRoot + P in it.</summary>
    public const string MountRoot = "/qtsops/host";

    /// <summary>The top folder of each absolute path, each once: what the job mounts.</summary>
    public static IReadOnlyList<string> Tops(IEnumerable<string> paths) =>
        [.. paths.Select(path => "/" + path.TrimStart('/').Split('/')[0]).Distinct(StringComparer.Ordinal)];

    /// <summary>A host path as the job sees it.</summary>
    public static string InJob(string path) => MountRoot + "/" + path.TrimStart('/');

    /// <summary>Whether the job's tasks all ended, and which failed; a job with no task yet is not done (the scheduler may not have placed them).</summary>
    public static NodeJobOutcome Judge(IReadOnlyList<SwarmTask> tasks) =>
        new(tasks.Count > 0 && tasks.All(task => task.State == "complete" || task.Failed), [.. tasks.Where(task => task.Failed).Select(task => task.Describe())]);
}
