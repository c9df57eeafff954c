using Cake.Core.Diagnostics;
using QtsOps.Core.Deployment;
using QtsOps.Core.Environments;

namespace QtsOps.Build.Deployment;

/// <summary>The environment's deploy lock (<see cref="IDeploymentHost.LockFile"/>) on its engine's host, taken for this process.</summary>
/// <param name="checkout">The repository this run deploys from: the lock's holder names it, as another checkout may hold the lock.</param>
public sealed class DeploymentLocks(DockerEngine engine, DeploymentEnvironment target, string checkout, ICakeLog log)
{
    private IDeploymentHost Host => engine.Host;

    public string LockFile => Host.LockFile(target.ContainerName);

    /// <summary>The lock this session holds (a rollout holds every host's for the whole run), or null.</summary>
    private IDisposable? _held;

    /// <summary>
    /// Takes the lock, or, while this session holds it already (a rollout took it before the host's deploy, verify and
    /// rollback ask for it), gives a hold that leaves it to the outer holder to release.
    /// </summary>
    public IDisposable Acquire(string purpose)
    {
        if (_held is not null) return new HeldOutside();
        var taken = Take(purpose);
        return _held = new Held(() =>
        {
            taken.Dispose();
            _held = null;
        });
    }

    private sealed class Held(Action release) : IDisposable
    {
        public void Dispose() => release();
    }

    private sealed class HeldOutside : IDisposable
    {
        public void Dispose()
        {
        }
    }

    private IDisposable Take(string purpose)
    {
        var owner = new LockOwner(Environment.ProcessId, Environment.MachineName, Environment.UserName, DateTimeOffset.UtcNow, $"{purpose} from {checkout}", RunUrl());
        try
        {
            return Host.AcquireLock(LockFile, target.Name, owner, warning => log.Warning(warning));
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
