using System.Diagnostics;
using System.Text.Json;
using Cake.Core.Diagnostics;
using QtsOps.Build.Registry;
using QtsOps.Core.Deployment;
using QtsOps.Core.Swarm;
using QtsOps.Tools;
using QtsOps.Tools.Docker;

namespace QtsOps.Build.Deployment.Swarm;

/// <summary>
/// Makes the data, log and config folders (<see cref="SharedFolders"/>, as one host's deploy does) on every node the placement allows, before the stack deploy (<see cref="NodeFolders"/>):
/// a global job of the release's image, as root, through the manager; data and logs made are given to the service (uid 10001),
/// a config folder made gets the package's config files; folders that exist are left as they are. Waited for, bounded by
/// healthTimeoutSeconds, and removed.
/// </summary>
/// <param name="registry">The run's registry and login: the nodes pull the image.</param>
public sealed class SwarmNodeFolders(DeploySession session, Func<RegistryAccess> registry)
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

    private static readonly TimeSpan Poll = TimeSpan.FromSeconds(1);

    /// <summary>How long a job with no task at all is waited for: none after that means no node the placement allows (the stack deploy then says so).</summary>
    private static readonly TimeSpan Unplaced = TimeSpan.FromSeconds(10);

    private DockerEngine Engine => session.Engine;

    /// <exception cref="ReleaseStartException">The job could not be made, or a node's task failed (with its error).</exception>
    /// <param name="image">The release's image, pinned: it has Python, and every node pulls it for the stack anyway.</param>
    /// <param name="packageDirectory">The release's package: its config/ files go into a config folder made.</param>
    /// <exception cref="OperationCanceledException"><paramref name="cancellation"/> came first (the job is removed).</exception>
    public void Make(string image, string packageDirectory, CancellationToken cancellation)
    {
        var name = $"{session.Target.ComposeProject}_folders-{Guid.NewGuid().ToString("N")[..8]}";
        var (onNodes, inJob) = (SharedFolders.Of(session.Target, path => path), SharedFolders.Of(session.Target, NodeFolders.InJob));
        var shipped = Path.Combine(packageDirectory, SharedFolders.ShippedConfig);
        var files = Directory.Exists(shipped)
            ? Directory.EnumerateFiles(shipped, "*", SearchOption.AllDirectories).ToDictionary(file => Path.GetRelativePath(shipped, file).Replace('\\', '/'), File.ReadAllText)
            : [];
        var spec = JsonSerializer.Serialize(new { owned = inJob.ForService, config = inJob.Config, files });
        var access = registry();
        using (var client = access.Open(Engine, "making the nodes' folders with", session.Log))
        {
            var create = Engine.Call(DockerAliases.Docker, new SwarmNodeJobSettings
            {
                Name = name, Image = image, Constraints = session.Target.Swarm?.Placement ?? [], WithRegistryAuth = access.Username is not null, ConfigDirectory = client.ConfigDirectory,
                Mounts = NodeFolders.Tops(onNodes.All).ToDictionary(top => top, NodeFolders.InJob), Entrypoint = "python3", Arguments = ["-c", Script, spec],
            });
            if (create.ExitCode != 0)
                throw new ReleaseStartException($"the job that makes {string.Join(", ", onNodes.All)} on the nodes could not be created: {string.Join(" | ", create.Error.NonBlank().TakeLast(3))}");
        }
        try
        {
            session.Log.Information($"Making the data, log and config folders on the nodes (job {name})");
            Wait(name, cancellation);
        }
        finally
        {
            Engine.Call(DockerAliases.Docker, new SwarmServiceRemoveSettings { Service = name });
        }
    }

    private void Wait(string job, CancellationToken cancellation)
    {
        var timer = Stopwatch.StartNew();
        var timeout = TimeSpan.FromSeconds(session.Target.HealthTimeoutSeconds);
        while (true)
        {
            cancellation.ThrowIfCancellationRequested();
            var tasks = SwarmTask.ParseLines(Engine.Call(DockerAliases.Docker, new SwarmServicePsSettings { Service = job }).EnsureSuccess().Output);
            var outcome = NodeFolders.Judge(tasks);
            if (outcome.Failures.Count > 0)
                throw new ReleaseStartException($"making the data, log and config folders failed on a node: {string.Join("; ", outcome.Failures)}");
            if (outcome.Done)
            {
                session.Log.Information($"The data, log and config folders are on {string.Join(", ", tasks.Select(task => task.Node).Order(StringComparer.Ordinal))}");
                return;
            }
            if (tasks.Count == 0 && timer.Elapsed >= Unplaced)
            {
                session.Log.Warning($"No node took the job that makes the folders within {Unplaced.TotalSeconds:0} s: the placement allows none");
                return;
            }
            if (timer.Elapsed >= timeout)
                throw new ReleaseStartException($"making the data, log and config folders did not end within {timeout.TotalSeconds:0} s (healthTimeoutSeconds): {string.Join("; ", tasks.Select(task => task.Describe()))}");
            cancellation.WaitHandle.WaitOne(Poll);
        }
    }
}
