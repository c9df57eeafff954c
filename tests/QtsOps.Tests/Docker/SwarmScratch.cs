using System.Text.Json;
using System.Text.Json.Nodes;
using QtsOps.Core.Deployment;
using QtsOps.Core.Swarm;
using QtsOps.Host;
using QtsOps.Tests.Host;

namespace QtsOps.Tests.Docker;

/// <summary>
/// What the swarm pipeline fixtures share: a test registry with a login, the lab's three-node swarm pulling from it
/// (<see cref="Lab"/>), and a scratch clone whose 'cluster' runs on that swarm through its manager's socket, two replicas,
/// each node's folders under its own /srv. The deploy directory, history and lock are on the manager's host, which for a
/// unix:// manager is this machine. Made in a fixture's OneTimeSetUp, disposed in its OneTimeTearDown, even half-made.
/// </summary>
public sealed class SwarmScratch : IDisposable
{
    public const int Port = 8000;
    private const string RegistryUser = "qtsops";
    private readonly string _registryPassword = Guid.NewGuid().ToString("N");
    private readonly string _name;

    public string Id { get; } = Guid.NewGuid().ToString("N")[..8];
    public RegistryServer Registry { get; }
    public Lab Lab { get; } = null!;
    public ObserverRepository Repo { get; } = null!;

    /// <param name="name">The fixture's prefix for the stack, its network, its image and the nodes' folders (/srv/NAME).</param>
    public SwarmScratch(string name)
    {
        _name = name;
        Registry = new RegistryServer(RegistryUser, _registryPassword);
        try
        {
            Lab = new Lab(nodes: 3, swarm: true, registry: Registry.Address);
            Repo = new ObserverRepository(Registry.Address);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public string Stack => $"{_name}-{Id}";
    public string Service => SwarmStack.ServiceName(Stack);
    public string ImageRepository => $"qtsops-test/{_name}-{Id}";
    public string DeployDirectory => Path.Combine(Repo.Root, ".qtsops", "deploy", "cluster");
    public string HistoryFile => Path.Combine(Repo.StateDirectory, "history", "cluster.jsonl");

    /// <summary>A node's folder the environment's data, log and config folders are in.</summary>
    public string Folders(Lab.Node node) => Path.Combine(node.Srv, _name);

    /// <summary>The checked-in environments.json with 'cluster' on the lab's swarm; <paramref name="placement"/> a constraint the tasks must meet, or none.</summary>
    public string EnvironmentsWithCluster(string? placement)
    {
        var environments = JsonNode.Parse(File.ReadAllText(Path.Combine(Repo.Root, "environments.json")),
            documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip })!;
        var cluster = new JsonObject
        {
            ["description"] = "the lab's swarm",
            ["engine"] = "swarm",
            ["dockerHost"] = Lab.Manager.DockerHost,
            ["composeProject"] = Stack,
            ["network"] = $"{_name}-net-{Id}",
            ["imageRepository"] = ImageRepository,
            ["registry"] = Registry.Address,
            ["registryTls"] = false,
            ["port"] = Port,
            ["healthUrl"] = $"http://{Lab.Manager.Address}:{Port}/health",
            ["deployDirectory"] = ".qtsops/deploy/cluster",
            ["dataDirectory"] = $"/srv/{_name}/data",
            ["logDirectory"] = $"/srv/{_name}/logs",
            ["configDirectory"] = $"/srv/{_name}/config",
            ["backupDirectory"] = $"/srv/{_name}/backups",
            ["bootstrapBaseImage"] = true,
            // Two tasks on three nodes: a start-first replacement needs a node without a task (max_replicas_per_node 1).
            ["replicas"] = 2,
            ["updateParallelism"] = 1,
            ["updateDelaySeconds"] = 0,
            ["monitorSeconds"] = 3,
            ["updateOrder"] = "start-first",
            ["settleSeconds"] = 2,
            ["healthIntervalSeconds"] = 1,
            ["healthTimeoutSeconds"] = 90,
            ["backupsToKeep"] = 2,
            ["minFreeDiskMb"] = 100,
            ["minMemoryMb"] = 256,
        };
        if (placement is not null) cluster["placement"] = new JsonArray(placement);
        environments["cluster"] = cluster;
        return environments.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    /// <summary>The pipeline on 'cluster' with the registry's login.</summary>
    public HostRun Run(params string[] arguments)
    {
        using var scope = new EnvironmentVariableScope();
        scope.Set("QTSOPS_REGISTRY_USERNAME", RegistryUser).Set("QTSOPS_REGISTRY_PASSWORD", _registryPassword);
        return Repo.Run([.. arguments, "--env=cluster"]);
    }

    /// <summary>The pipeline on 'cluster' with the registry's login, as a process of its own (a signal reaches it alone); <paramref name="awaited"/> a line that says it reached the step.</summary>
    internal PipelineProcess Process(string awaited, params string[] arguments)
    {
        using var scope = new EnvironmentVariableScope();
        scope.Set("QTSOPS_REGISTRY_USERNAME", RegistryUser).Set("QTSOPS_REGISTRY_PASSWORD", _registryPassword);
        return new PipelineProcess(Repo.Root, awaited, [.. arguments, "--env=cluster"]);
    }

    public Build.Registry.RegistryManifests Manifests() => new(Registry.Address, false, RegistryUser, _registryPassword);

    public List<HistoryEntry> History() => Support.HistoryFile.Entries(HistoryFile);

    public Command.Result Manager(params string[] args) => Lab.Manager.Docker(args);

    public string ServiceImage(string service) =>
        Manager("service", "inspect", "--format", "{{.Spec.TaskTemplate.ContainerSpec.Image}}", service).EnsureSuccess($"Inspecting {service}").Output.Single();

    /// <summary>The owners' uids of each node's data and log folders, by node: "10001 10001" (the service's) once the deploy made them.</summary>
    public Dictionary<string, string> FolderOwners() => Lab.Nodes.ToDictionary(node => node.Name, node =>
        string.Join(" ", Command.Run("stat", "--format", "%u", Path.Combine(Folders(node), "data"), Path.Combine(Folders(node), "logs")).Output));

    /// <summary>What <see cref="FolderOwners"/> says once the deploy made every node's folders.</summary>
    public Dictionary<string, string> OwnedByTheService => Lab.Nodes.ToDictionary(node => node.Name, _ => "10001 10001");

    public void Dispose()
    {
        Lab?.Dispose();
        var images = Command.Run("docker", "image", "ls", "--format", "{{.Repository}}:{{.Tag}}").Output.Where(image => image.Contains(Id)).ToArray();
        if (images.Length > 0) Command.Run("docker", ["image", "rm", "--force", .. images]);
        Repo?.Dispose();
        Registry.Dispose();
    }
}
