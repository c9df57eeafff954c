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
    /// <summary>The port the lab's 'cluster' publishes on each node (build/lab.sh's SERVICE_PORT).</summary>
    public const int Port = 8000;
    private const string RegistryUser = "qtsops";
    private readonly string _registryPassword = Guid.NewGuid().ToString("N");
    private readonly string _name;

    public string Id { get; } = Guid.NewGuid().ToString("N")[..8];
    public RegistryServer Registry { get; }
    public Lab Lab { get; } = null!;
    public ObserverRepository Repo { get; } = null!;

    /// <param name="name">The fixture's prefix for the stack, its network and its image (the nodes' folders are the lab's, each lab its own).</param>
    /// <param name="ssh">Whether each node runs an sshd (<see cref="Lab"/>).</param>
    public SwarmScratch(string name, bool ssh = false)
    {
        _name = name;
        Registry = new RegistryServer(RegistryUser, _registryPassword);
        try
        {
            Lab = new Lab(nodes: 3, swarm: true, registry: Registry.Address, ssh: ssh);
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
    /// <summary>The deploy directory of the lab's 'cluster': on the manager's host, which for its unix:// manager is this machine (the manager's /srv seen from here).</summary>
    public string DeployDirectory => Setting("deployDirectory");

    public string HistoryFile => Path.Combine(Repo.StateDirectory, "history", "cluster.jsonl");

    /// <summary>A node's folder the environment's data, log and config folders are in (the lab's 'cluster' has them under one folder of each node's /srv).</summary>
    public string Folders(Lab.Node node) => Path.Combine(node.Srv, Path.GetRelativePath("/srv", Path.GetDirectoryName(Setting("dataDirectory"))!));

    /// <summary>The checked-in environments.json with the lab's 'cluster' (<see cref="LabCluster"/>) under the fixture's names; <paramref name="placement"/> a constraint the tasks must meet, or none; <paramref name="change"/> changes 'cluster' further.</summary>
    public string EnvironmentsWithCluster(string? placement, Action<JsonObject>? change = null)
    {
        var environments = JsonNode.Parse(File.ReadAllText(Path.Combine(Repo.Root, "environments.json")),
            documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip })!;
        var cluster = LabCluster();
        cluster["composeProject"] = Stack;
        cluster["network"] = $"{_name}-net-{Id}";
        cluster["imageRepository"] = ImageRepository;
        if (placement is not null) cluster["placement"] = new JsonArray(placement);
        change?.Invoke(cluster);
        environments["cluster"] = cluster;
        return environments.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    /// <summary>
    /// 'cluster' as the lab's environments file has it, its defaults in it (build/lab.sh writes it, the one writer of that environment): the swarm
    /// through its manager's socket, the registry, two replicas start-first, short health and settle times, the deploy directory on the manager's host.
    /// </summary>
    public JsonObject LabCluster()
    {
        var lab = JsonNode.Parse(File.ReadAllText(Lab.EnvironmentsFile!))!;
        var cluster = lab["defaults"]!.DeepClone().AsObject();
        foreach (var (key, value) in lab["cluster"]!.AsObject()) cluster[key] = value?.DeepClone();
        return cluster;
    }

    private string Setting(string key) => LabCluster()[key]!.GetValue<string>();

    /// <summary>The pipeline on 'cluster' with the registry's login.</summary>
    public HostRun Run(params string[] arguments) => Run(new Dictionary<string, string?>(), arguments);

    /// <summary>The pipeline on 'cluster' with the registry's login and <paramref name="variables"/> besides.</summary>
    public HostRun Run(IReadOnlyDictionary<string, string?> variables, params string[] arguments)
    {
        using var scope = new EnvironmentVariableScope();
        scope.Set("QTSOPS_REGISTRY_USERNAME", RegistryUser).Set("QTSOPS_REGISTRY_PASSWORD", _registryPassword);
        foreach (var (name, value) in variables) scope.Set(name, value);
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
