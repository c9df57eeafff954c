using System.Text.Json;
using System.Text.Json.Nodes;
using QtsOps.Core.Environments;
using QtsOps.Core.Swarm;
using QtsOps.Core.Validation.Observer;
using QtsOps.Tests.Core;

namespace QtsOps.Tests.Docker;

/// <summary>
/// What the fixtures that deploy the observer's stack themselves share (SwarmObserveTests, SwarmZeroDowntimeTests; the pipeline
/// fixtures share <see cref="SwarmScratch"/>): a test registry with a login, the lab's three-node swarm pulling from it, the swarm
/// fixture's 'cluster' aimed at it with its folders on every node, images pushed and pinned by digest, and `docker stack deploy`
/// of the stack file SwarmStack writes. Made in a fixture's OneTimeSetUp, disposed in its OneTimeTearDown, even half-made.
/// </summary>
public sealed class SwarmStackLab : IDisposable
{
    private readonly List<string> _tags = [];

    public string Username { get; }
    public string Password { get; } = Guid.NewGuid().ToString("N");
    public RegistryServer Registry { get; }
    /// <summary>The fixture's files: the docker CLI's config (the registry's login) and each release's stack files.</summary>
    public TempDirectory Work { get; } = new();
    public Lab Lab { get; } = null!;

    public SwarmStackLab(string username)
    {
        Username = username;
        Registry = new RegistryServer(username, Password);
        try
        {
            Lab = new Lab(nodes: 3, swarm: true, registry: Registry.Address);
            Docker(null, "login", "--username", username, "--password", Password, Registry.Address).EnsureSuccess("Logging in to the test registry");
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>
    /// The swarm fixture's 'cluster' through the lab's manager, without placement, as the stack <paramref name="stack"/>, its data, log and
    /// config folders under /srv/<paramref name="folder"/>, made on each node's own /srv for the service's user (uid 10001);
    /// <paramref name="change"/> sets the fixture's own settings.
    /// </summary>
    public DeploymentEnvironment Cluster(string stack, string folder, Action<JsonObject> change)
    {
        var environments = JsonNode.Parse(File.ReadAllText(SourceRepository.Combine(SwarmStackInputs.FixtureFile)),
            documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip })!;
        var cluster = environments["cluster"]!.AsObject();
        cluster.Remove("placement");
        cluster["dockerHost"] = Lab.Manager.DockerHost;
        cluster["composeProject"] = stack;
        cluster["network"] = $"{stack}-net";
        cluster["dataDirectory"] = $"/srv/{folder}/data";
        cluster["logDirectory"] = $"/srv/{folder}/logs";
        cluster["configDirectory"] = $"/srv/{folder}/config";
        change(cluster);
        foreach (var node in Lab.Nodes)
            foreach (var kind in new[] { "data", "logs", "config" })
            {
                var path = Path.Combine(node.Srv, folder, kind);
                Directory.CreateDirectory(path);
                Command.Run("chown", "10001:10001", path).EnsureSuccess($"Giving {path} to the service's user");
            }
        return EnvironmentCatalog.Parse(environments.ToJsonString(), Path.GetFileName(SwarmStackInputs.FixtureFile))["cluster"];
    }

    /// <summary><paramref name="image"/> tagged as the registry's <paramref name="repository"/>:<paramref name="tag"/> and pushed; its name pinned by the digest the registry gave.</summary>
    public string Push(string image, string repository, string tag)
    {
        var pushed = $"{Registry.Address}/{repository}";
        var tagged = $"{pushed}:{tag}";
        Command.Run("docker", "tag", image, tagged).EnsureSuccess($"Tagging {tagged}");
        RemoveAtEnd(tagged);
        Docker(null, "push", "--quiet", tagged).EnsureSuccess($"Pushing {tagged}");
        return Command.Run("docker", "image", "inspect", "--format", "{{range .RepoDigests}}{{println .}}{{end}}", tagged)
            .EnsureSuccess($"Reading the digest of {tagged}").Output.Single(digest => digest.StartsWith(pushed + "@sha256:"));
    }

    /// <summary>An image tag of this machine's engine the fixture made: removed when disposed.</summary>
    public void RemoveAtEnd(string tag) => _tags.Add(tag);

    /// <summary>`docker stack deploy` on the manager of the stack file SwarmStack writes for <paramref name="release"/>, from the files a deploy writes (a folder each release).</summary>
    /// <param name="composeText">The compose file it is made from; null for the repository's own.</param>
    public void Deploy(DeploymentEnvironment target, StackRelease release, string? composeText = null)
    {
        var stack = SwarmStack.Write(target, release, composeText ?? SwarmStackInputs.ComposeText, ObserverFiles.ComposePath,
            SwarmStackInputs.Variables(target, release.Release), _ => null);
        var folder = Directory.CreateDirectory(Work.Combine("stacks", release.Release)).FullName;
        File.WriteAllText(Path.Combine(folder, SwarmStack.FileName), stack.Text);
        foreach (var (name, text) in stack.Files) File.WriteAllText(Path.Combine(folder, name), text);
        Docker(Lab.Manager, "stack", "deploy", "--compose-file", Path.Combine(folder, SwarmStack.FileName), "--with-registry-auth", "--detach=true", stack.Name)
            .EnsureSuccess($"docker stack deploy of {release.Release}");
    }

    /// <summary>The docker CLI with the fixture's config (its registry login), against a node's engine or (null) this machine's.</summary>
    public Command.Result Docker(Lab.Node? node, params string[] args) =>
        Command.Run("docker", ["--config", Work.Combine("docker-config"), .. node is null ? [] : new[] { "-H", node.DockerHost }, .. args]);

    public void Dispose()
    {
        Lab?.Dispose();
        foreach (var tag in _tags) Command.Run("docker", "image", "rm", tag);
        Registry.Dispose();
        Work.Dispose();
    }
}
