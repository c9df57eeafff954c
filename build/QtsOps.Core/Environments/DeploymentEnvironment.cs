using QtsOps.Core.Deployment;
using QtsOps.Core.Swarm;

namespace QtsOps.Core.Environments;

/// <summary>
/// Where and how one environment runs, as environments.json says. Paths are as written: relative
/// ones are relative to the repository root (see <see cref="EnvironmentCatalog.Resolve"/>).
/// </summary>
public sealed record DeploymentEnvironment
{
    public required string Name { get; init; }
    public required string Description { get; init; }
    /// <summary>DOCKER_HOST: null for the engine of this machine, else unix://, tcp:// or ssh://user@host.</summary>
    public string? DockerHost { get; init; }
    /// <summary>compose on one engine, or a swarm whose manager <see cref="DockerHost"/> is.</summary>
    public DeploymentEngine Engine { get; init; } = DeploymentEngine.Compose;
    /// <summary>How the service runs on the swarm; null on compose.</summary>
    public SwarmSettings? Swarm { get; init; }
    public required string ComposeProject { get; init; }
    public required string ContainerName { get; init; }
    public required string Network { get; init; }
    /// <summary>The image repository name, without registry or tag (qts-observer).</summary>
    public required string ImageRepository { get; init; }

    /// <summary>A release's image as compose runs it: imageRepository:release.</summary>
    public string ImageOf(string release) => $"{ImageRepository}:{release}";

    /// <summary>Registry host[:port] that push sends images to; null: none, an ssh:// host gets the image over its ssh connection.</summary>
    public required string? Registry { get; init; }
    /// <summary>False only for a plain-HTTP registry on loopback (Docker allows those without TLS).</summary>
    public required bool RegistryTls { get; init; }
    public required string Bind { get; init; }
    public required int Port { get; init; }
    public required string HealthUrl { get; init; }
    public required string DeployDirectory { get; init; }
    public required string DataDirectory { get; init; }
    public required string LogDirectory { get; init; }
    public required string ConfigDirectory { get; init; }
    public required string BackupDirectory { get; init; }
    /// <summary>Apply, deploy, rollback and restore need --approve; Terraform plans may not destroy or replace.</summary>
    public required bool Protected { get; init; }
    /// <summary>Deploy and rollback run verify-release first and refuse an unsigned or altered release bundle.</summary>
    public required bool RequireVerifiedRelease { get; init; }
    /// <summary>Put back the last verified release when a deploy or verify fails.</summary>
    public required bool AutomaticRollback { get; init; }
    /// <summary>Build the Python base image offline (debootstrap) when BASE_IMAGE is not on the engine.</summary>
    public required bool BootstrapBaseImage { get; init; }
    /// <summary>How a deploy replaces what serves: start-first (two slots behind the edge) or recreate (one container).</summary>
    public required DeployStrategy Strategy { get; init; }
    public required int SettleSeconds { get; init; }
    /// <summary>
    /// How often the engine runs the health check, so how soon its health status follows /health: a
    /// second where someone waits at the keyboard; longer where a process in the container every second costs too much.
    /// </summary>
    public required int HealthIntervalSeconds { get; init; }
    public required int HealthTimeoutSeconds { get; init; }
    public required int BackupsToKeep { get; init; }
    public required int ReleasesToKeep { get; init; }
    public required int MinFreeDiskMb { get; init; }
    public required int MinMemoryMb { get; init; }
    public required int MaxDiskUsedPercent { get; init; }
    public required double CpuLimit { get; init; }
    public required int MemoryLimitMb { get; init; }

    /// <summary>
    /// The hosts of an environment that lists "hosts", in the file's order, each a whole environment of its own;
    /// empty for one engine. With hosts, the other properties are the first host's.
    /// </summary>
    public IReadOnlyList<Fleet.EnvironmentHost> Hosts { get; init; } = [];

    /// <summary>How the hosts are rolled out, in groups; null for one engine.</summary>
    public Fleet.RolloutSettings? Rollout { get; init; }

    /// <summary>The canary's share of requests, window and thresholds; null when the environment sets none.</summary>
    public Fleet.CanarySettings? Canary { get; init; }
}
