using QtsOps.Core.Deployment;
using QtsOps.Core.Environments;
using QtsOps.Tools.Docker;

namespace QtsOps.Build.Deployment;

/// <summary>
/// How compose runs an installed release: its compose files (for an ssh:// host, copied here from the host's release),
/// the environment's names, port and shared folders, and whose the container is (its labels).
/// </summary>
/// <param name="checkout">This run's version: the release it builds runs as it.</param>
public sealed class ReleaseCompose(DeploySession session, Checkout checkout, Edge edge)
{
    private DockerEngine Engine => session.Engine;

    private DeploymentEnvironment Target => session.Target;

    private IDeploymentHost Host => session.Host;

    private ReleaseStore Store => session.Store;

    /// <summary>The version a release runs as: this run's for the release it builds, else the one its deploy recorded.</summary>
    private string VersionOf(string release) => release == checkout.VersionTag ? checkout.Version : session.State.History.VersionOf(release) ?? release;

    public const string ComposeFile = "docker-compose.yml";
    private const string PublishFile = "docker-compose.publish.yml";

    /// <summary>
    /// Compose settings for a release: its compose file, and the environment's names, port and shared
    /// folders. In a slot it publishes nothing; alone, its publish file adds the port.
    /// </summary>
    public T Settings<T>(T settings, string release, Slot? slot = null) where T : DockerComposeSettings
    {
        var directory = ComposeDirectory(release);
        settings.ProjectName = slot is { } project ? session.Layout.SlotProject(project) : Target.ComposeProject;
        settings.ProjectDirectory = directory;
        settings.Files = [Path.Combine(directory, ComposeFile), .. slot is null && File.Exists(Path.Combine(directory, PublishFile)) ? [Path.Combine(directory, PublishFile)] : Array.Empty<string>()];
        settings.Variables = Variables(Target, Host, edge.SharedVariables(), release, VersionOf(release),
            slot is { } running ? session.Layout.SlotContainer(running) : Target.ContainerName);
        return settings;
    }

    /// <summary>The compose variables a release runs with (a swarm's stack file is resolved with them too).</summary>
    /// <param name="shared">What the release shares with the edge (<see cref="Edge.SharedVariables(DeploymentEnvironment, IDeploymentHost)"/>).</param>
    public static SortedDictionary<string, string> Variables(DeploymentEnvironment target, IDeploymentHost host, IReadOnlyDictionary<string, string> shared,
        string release, string version, string container) => new(shared.ToDictionary(), StringComparer.Ordinal)
    {
        ["QTS_OBSERVER_IMAGE"] = target.ImageOf(release),
        ["QTS_OBSERVER_CONTAINER"] = container,
        ["QTS_OBSERVER_HEALTH_INTERVAL"] = $"{target.HealthIntervalSeconds}s",
        ["QTS_OBSERVER_HOST_DATA"] = host.Resolve(target.DataDirectory),
        ["QTS_OBSERVER_HOST_LOGS"] = host.Resolve(target.LogDirectory),
        ["QTS_OBSERVER_HOST_CONFIG"] = host.Resolve(target.ConfigDirectory),
        // Whose the container is (with the environment and deployment labels): verify and the next deploy read these.
        ["QTS_OBSERVER_LABEL_RELEASE"] = release,
        ["QTS_OBSERVER_LABEL_VERSION"] = version,
    };

    /// <summary>
    /// Where compose reads the release's compose files: compose runs here and reads them here, so for a
    /// remote host they are copied from the host's release into this run's private folder. Only the files
    /// are needed: their mounts are the host's absolute folders, and the image is on the host already.
    /// </summary>
    private string ComposeDirectory(string release)
    {
        if (!Engine.IsRemote) return Store.PathOf(release);
        if (Store.PackageOf(release) is { } package) return package;
        var directory = Path.Combine(Path.GetDirectoryName(Engine.Ssh.Client)!, "releases", release);
        if (File.Exists(Path.Combine(directory, ComposeFile))) return directory;
        var text = Host.Files.ReadAllText(Host.Files.Combine(Store.PathOf(release), ComposeFile))
            ?? throw new PipelineException($"Release {release} on {Host.Name} has no {ComposeFile} ({Store.PathOf(release)}): it is not a complete deploy package. Fix: deploy it again.");
        Directory.CreateDirectory(directory);
        // A release packaged before start-first has no publish file: its compose file publishes the port.
        if (Host.Files.ReadAllText(Host.Files.Combine(Store.PathOf(release), PublishFile)) is { } publish) File.WriteAllText(Path.Combine(directory, PublishFile), publish + "\n");
        File.WriteAllText(Path.Combine(directory, ComposeFile), text + "\n");
        return directory;
    }

    /// <summary>Whether the release can run beside another: its port is in its publish file, not in its compose file (packages made before start-first).</summary>
    public bool RunsInSlots(string release) => File.Exists(Path.Combine(ComposeDirectory(release), PublishFile));
}
