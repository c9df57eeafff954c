using Cake.Core.Diagnostics;
using QtsOps.Release.Deployment;

namespace QtsOps.Build.Deployment;

/// <summary>Takes the environment's deploy lock (<see cref="IDeploymentHost.LockFile"/>) for this process.</summary>
public static class DeploymentLocks
{
    public static string PathFor(DockerEngine engine) => engine.Host.LockFile(engine.Context.EnvironmentName, engine.Context.Target.ContainerName);

    public static IDisposable Acquire(DockerEngine engine, string purpose)
    {
        var context = engine.Context;
        // The checkout is named too: another one on this machine may hold the lock.
        var owner = new LockOwner(Environment.ProcessId, Environment.MachineName, Environment.UserName, DateTimeOffset.UtcNow, $"{purpose} from {context.RepositoryRoot}", RunUrl());
        try
        {
            return engine.Host.AcquireLock(PathFor(engine), context.EnvironmentName, owner, warning => context.Log.Warning(warning));
        }
        catch (DeploymentLockedException exception)
        {
            throw new PipelineException(exception.Message);
        }
    }

    /// <summary>The GitHub Actions run this process belongs to, when it does: the lock's holder names it.</summary>
    private static string? RunUrl() =>
        (Environment.GetEnvironmentVariable("GITHUB_SERVER_URL"), Environment.GetEnvironmentVariable("GITHUB_REPOSITORY"), Environment.GetEnvironmentVariable("GITHUB_RUN_ID"))
            is ({ Length: > 0 } server, { Length: > 0 } repository, { Length: > 0 } run) ? $"{server}/{repository}/actions/runs/{run}" : null;
}
