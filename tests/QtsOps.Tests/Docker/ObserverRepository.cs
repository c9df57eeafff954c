using System.Diagnostics;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using LibGit2Sharp;
using QtsOps.Build;
using QtsOps.Host;
using QtsOps.Tests.Host;

namespace QtsOps.Tests.Docker;

/// <summary>
/// A scratch clone of this QtsOps repository for the deployment tests, with a 'local' environment of
/// its own (test container, project, network, image and port, named per instance, so a developer's
/// own deployment on port 8000 and test runs of other checkouts on the same engine are left alone)
/// and the observer recording once a second, committed.
/// </summary>
public sealed class ObserverRepository : IDisposable
{
    private readonly string _id = Guid.NewGuid().ToString("N")[..8];
    private readonly TempDirectory _directory = new();

    public string ImageRepository => $"qtsops-test/observer-{_id}";
    public string Container => $"qtsops-test-observer-{_id}";
    public string Network => $"qtsops-test-network-{_id}";
    public string ComposeProject => $"qtsops-test-{_id}";

    public ObserverRepository(string registry)
    {
        Port = RegistryServer.FreePort();
        Repository.Clone(SourceRepository.Root, Root);
        WriteEnvironments(registry);
        // One record a second, so that a short settle window sees new records.
        _directory.Write("src/observer/config/observer.json", "{ \"interval_seconds\": 1 }\n");
        Commit("test settings");
    }

    public string Root => _directory.Path;
    public int Port { get; }
    public string HealthUrl => $"http://127.0.0.1:{Port}/health";
    public string DataDirectory => _directory.Combine(".qtsops", "deploy", "local", "data");
    public string StateDirectory => _directory.Combine(".qtsops");

    /// <summary>Commits the working tree, which gives the next run a new version.</summary>
    public void Commit(string message)
    {
        using (var repository = new Repository(Root))
        {
            Commands.Stage(repository, "*");
            var signature = new Signature("QtsOps tests", "tests@example.invalid", DateTimeOffset.UtcNow);
            repository.Commit(message, signature, signature, new CommitOptions { AllowEmptyCommit = true });
        }
    }

    /// <summary>
    /// Commits a compose file with a setting the service refuses (OBSERVER_INTERVAL_SECONDS 0), so the next
    /// release exits 2 at start; disposing puts the good file back, committed.
    /// </summary>
    public IDisposable CommitReleaseThatCrashesAtStart()
    {
        var compose = Path.Combine(Root, "src", "observer", "docker-compose.yml");
        var good = File.ReadAllText(compose);
        File.WriteAllText(compose, good.Replace("      OBSERVER_LOG_DIR: /app/logs\n", "      OBSERVER_LOG_DIR: /app/logs\n      OBSERVER_INTERVAL_SECONDS: \"0\"\n"));
        Commit("a release that crashes at start");
        return new GoodComposeFile(this, compose, good);
    }

    private sealed class GoodComposeFile(ObserverRepository repository, string compose, string good) : IDisposable
    {
        public void Dispose()
        {
            File.WriteAllText(compose, good);
            repository.Commit("the good release again");
        }
    }

    public string ShortSha()
    {
        using var repository = new Repository(Root);
        return repository.Head.Tip.Sha[..7];
    }

    public HostRun Run(params string[] args) => InProcessPipeline.Run(Root, args);

    /// <summary>The deploy directory: what the containers this checkout starts name as their deployment.</summary>
    public string DeployDirectory => _directory.Combine(".qtsops", "deploy", "local");

    /// <summary>
    /// Points this checkout's 'local' at the same container, compose project, network and port as
    /// <paramref name="other"/>'s, as two checkouts of one repository on one machine are; the image
    /// repository stays its own, so neither replaces the other's images.
    /// </summary>
    public void ShareTargetWith(ObserverRepository other)
    {
        var path = _directory.Combine("environments.json");
        var environments = JsonNode.Parse(File.ReadAllText(path))!;
        var local = environments["local"]!;
        local["composeProject"] = other.ComposeProject;
        local["containerName"] = other.Container;
        local["network"] = other.Network;
        local["port"] = other.Port;
        local["healthUrl"] = other.HealthUrl;
        File.WriteAllText(path, environments.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        Commit("the same target as another checkout");
    }

    /// <summary>
    /// Points this checkout's 'staging' at <paramref name="host"/>: its engine over ssh, the same test
    /// names and port as 'local', the registry's address, and every folder under the host's deploy root.
    /// </summary>
    public void PointStagingAt(SshTestHost host, string registry)
    {
        var path = _directory.Combine("environments.json");
        var environments = JsonNode.Parse(File.ReadAllText(path))!;
        var staging = environments["local"]!.DeepClone();
        staging["description"] = "staging on the ssh test host";
        staging["dockerHost"] = host.DockerHost;
        staging["registry"] = registry;
        staging["registryTls"] = false;
        staging["deployDirectory"] = host.DeployRoot + "/deploy";
        staging["dataDirectory"] = host.DeployRoot + "/deploy/data";
        staging["logDirectory"] = host.DeployRoot + "/deploy/logs";
        staging["configDirectory"] = host.DeployRoot + "/deploy/config";
        staging["backupDirectory"] = host.DeployRoot + "/backups";
        environments["staging"] = staging;
        File.WriteAllText(path, environments.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        Commit("staging on the ssh test host");
    }

    private void WriteEnvironments(string registry)
    {
        var real = File.ReadAllText(SourceRepository.Combine("environments.json"));
        var environments = JsonNode.Parse(real, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip })!;
        var local = environments["local"]!;
        local["composeProject"] = ComposeProject;
        local["containerName"] = Container;
        local["network"] = Network;
        local["imageRepository"] = ImageRepository;
        local["registry"] = registry;
        local["port"] = Port;
        local["healthUrl"] = HealthUrl;
        local["settleSeconds"] = 1; // as environments.json's own local, which the main job runs with
        local["healthTimeoutSeconds"] = 45;
        local["minFreeDiskMb"] = 100;
        // The tests of one container; StartFirstDeploymentTests switch to the edge and slots with UseStrategy.
        local["strategy"] = "recreate";
        _directory.Write("environments.json", environments.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }

    /// <summary>'local''s strategy in environments.json, committed.</summary>
    public void UseStrategy(string strategy)
    {
        var path = _directory.Combine("environments.json");
        var environments = JsonNode.Parse(File.ReadAllText(path))!;
        environments["local"]!["strategy"] = strategy;
        File.WriteAllText(path, environments.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        Commit($"strategy {strategy}");
    }

    /// <summary>What this checkout's runs made on the engine: its containers (also any a failed compose v1 recreate left renamed &lt;id&gt;_&lt;name&gt;, the slots and the edge), network and images.</summary>
    public void RemoveFromEngine()
    {
        var containers = new[] { "", "-a", "-b", "-edge" }
            .SelectMany(suffix => Docker("ps", "--all", "--quiet", "--filter", $"label=com.docker.compose.project={ComposeProject}{suffix}").Output).ToArray();
        Docker(["rm", "--force", Container, $"{Container}-a", $"{Container}-b", $"{Container}-edge", .. containers]);
        Docker("network", "rm", Network);
        var images = Docker("image", "ls", "--format", "{{.Repository}}:{{.Tag}}").Output.Where(i => i.Contains(ImageRepository)).ToArray();
        if (images.Length > 0) Docker(["image", "rm", "--force", .. images]);
    }

    public static Command.Result Docker(params string[] args) => Command.Run("docker", args);

    public void Dispose() => _directory.Dispose();
}
