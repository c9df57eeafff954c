using System.Text.Json;
using Cake.Core.Diagnostics;
using QtsOps.Core.Deployment;
using QtsOps.Core.Swarm;

namespace QtsOps.Build.Deployment.Swarm;

/// <summary>
/// Makes the data, log and config folders (<see cref="SharedFolders"/>, as one host's deploy does) on every node the placement allows, before the stack deploy (<see cref="NodeFolders"/>):
/// a global job of the release's image (<see cref="SwarmNodeJobs"/>); data and logs made are given to the service (uid 10001),
/// a config folder made gets the package's config files; folders that exist are left as they are. Bounded by healthTimeoutSeconds.
/// </summary>
public sealed class SwarmNodeFolders(DeploySession session, SwarmNodeJobs jobs)
{
    /// <summary>Makes each missing folder: the owned ones (data, logs) for uid 10001, the config one with the files given (by path below it, subfolders made). Prints ok.</summary>
    public static readonly string Script = string.Join("\n",
        "import json, os, sys",
        "spec = json.loads(sys.argv[1])",
        "for folder in spec['owned']:",
        "    if not os.path.isdir(folder):",
        "        os.makedirs(folder)",
        "        os.chown(folder, 10001, 10001)",
        "if not os.path.isdir(spec['config']):",
        "    os.makedirs(spec['config'])",
        "    for name, text in spec['files'].items():",
        "        path = os.path.join(spec['config'], name)",
        "        os.makedirs(os.path.dirname(path), exist_ok=True)",
        "        with open(path, 'w', encoding='utf-8') as f: f.write(text)",
        "print('ok')");

    /// <exception cref="ReleaseStartException">The job could not be made, or a node's task failed (with its error).</exception>
    /// <param name="image">The release's image, pinned: it has Python, and every node pulls it for the stack anyway.</param>
    /// <param name="packageDirectory">The release's package: its config/ files go into a config folder made.</param>
    /// <exception cref="OperationCanceledException"><paramref name="cancellation"/> came first (the job is removed).</exception>
    public void Make(string image, string packageDirectory, CancellationToken cancellation)
    {
        var (onNodes, inJob) = (SharedFolders.Of(session.Target, path => path), SharedFolders.Of(session.Target, NodeFolders.InJob));
        var shipped = Path.Combine(packageDirectory, SharedFolders.ShippedConfig);
        var files = Directory.Exists(shipped)
            ? Directory.EnumerateFiles(shipped, "*", SearchOption.AllDirectories).ToDictionary(file => Path.GetRelativePath(shipped, file).Replace('\\', '/'), File.ReadAllText)
            : [];
        var spec = JsonSerializer.Serialize(new { owned = inJob.ForService, config = inJob.Config, files });
        session.Log.Information("Making the data, log and config folders on the nodes");
        var made = jobs.RunWherePlaced("making the data, log and config folders", session.Target.Swarm?.Placement ?? [],
            new NodeJob(image, NodeFolders.Tops(onNodes.All).ToDictionary(top => top, NodeFolders.InJob), "python3", ["-c", Script, spec]),
            TimeSpan.FromSeconds(session.Target.HealthTimeoutSeconds), cancellation);
        if (made.Count > 0) session.Log.Information($"The data, log and config folders are on {string.Join(", ", made)}");
        else session.Log.Warning("No node took the job that makes the folders: the placement allows none");
    }
}
