using Cake.Core.Diagnostics;
using QtsOps.Release.Deployment;

namespace QtsOps.Build.Deployment;

/// <summary>Takes the environment's deploy lock (.qtsops/locks/&lt;env&gt;.lock) for this process.</summary>
public static class DeploymentLocks
{
    public static string PathFor(BuildContext context) => Path.Combine(context.StateDirectory, "locks", $"{context.EnvironmentName}.lock");

    public static DeploymentLock Acquire(BuildContext context, string purpose)
    {
        var owner = new LockOwner(Environment.ProcessId, Environment.MachineName, Environment.UserName, DateTimeOffset.UtcNow, purpose);
        try
        {
            return DeploymentLock.Acquire(PathFor(context), context.EnvironmentName, owner, warning => context.Log.Warning(warning));
        }
        catch (DeploymentLockedException exception)
        {
            throw new PipelineException(exception.Message);
        }
    }
}
