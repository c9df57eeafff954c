using QtsOps.Core.Pages;
using QtsOps.Tools.Docker;

namespace QtsOps.Build.Deployment.Swarm;

/// <summary>
/// A swarm environment on the dashboard: what status shows of it (<see cref="SwarmStatusStep"/>: the service, each
/// task with its node, the lock and the history). A manager that cannot be reached is an answer, as for one engine.
/// </summary>
public sealed class SwarmDashboardReader(DeploySession session, SwarmStatusStep status) : IDashboardReader
{
    public EnvironmentDashboard Read(int historyEntries)
    {
        try
        {
            return EnvironmentDashboard.OnSwarm(session.Target.Name, status.Read(historyEntries).Lines);
        }
        catch (Exception exception) when (exception is PipelineException or DockerCommandException or IOException)
        {
            return EnvironmentDashboard.Failed(session.Target.Name, exception.Message);
        }
    }
}
