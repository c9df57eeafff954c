using QtsOps.Core.Environments;
using QtsOps.Core.Pages;
using QtsOps.Tools.Docker;

namespace QtsOps.Build.Deployment;

/// <summary>
/// Gathers one environment's <see cref="EnvironmentDashboard"/>: what status reads, the free disk of its
/// deploy directory, the engine's memory and the serving container's (docker stats), and its backups (what
/// the releases target lists). Changes nothing. A host that cannot be reached is an answer, not a failure:
/// the dashboard shows it as unreachable, with why, beside the environments that answered.
/// </summary>
public sealed class DashboardReader(DockerEngine engine, DeploymentEnvironment target, StatusReader status, ReleaseListReader releases) : IDashboardReader
{
    public EnvironmentDashboard Read(int historyEntries)
    {
        try
        {
            var read = status.Read(historyEntries);
            var deployDirectory = engine.Host.Resolve(target.DeployDirectory);
            long? containerMemory = read.Container is { State: "running" } serving
                ? engine.Call(DockerAliases.DockerStats, new DockerStatsSettings { Container = serving.Name }).MemoryUsageBytes
                : null;
            var resources = new HostResources(engine.Host.Where(deployDirectory), engine.Host.AvailableBytes(deployDirectory), target.MinFreeDiskMb,
                engine.EnsureReachable().MemTotal, target.MinMemoryMb, containerMemory, target.MemoryLimitMb);
            var listing = releases.Read();
            return new EnvironmentDashboard(target.Name, read, resources, listing.Backups, listing.BackupsNote, null);
        }
        catch (Exception exception) when (exception is PipelineException or DockerCommandException or IOException)
        {
            return EnvironmentDashboard.Failed(target.Name, exception.Message);
        }
    }
}

/// <summary>One environment's part of the dashboard, by the environment's engine.</summary>
public interface IDashboardReader
{
    EnvironmentDashboard Read(int historyEntries);
}
