using QtsOps.Core.Environments;
using QtsOps.Core.Versioning;

namespace QtsOps.Build;

/// <summary><see cref="ProtectionPolicy"/>'s refusals as the pipeline's errors: the one approval gate of apply, deploy, rollback, restore and verify's restart.</summary>
public static class Approval
{
    /// <summary>Stops the change unless the environment is unprotected or the run approved.</summary>
    public static void Require(this ProtectionPolicy policy, string environment, ProtectedChange change)
    {
        if (policy.ChangeRefusal(environment, change) is { } refusal) throw new PipelineException(refusal);
    }

    /// <summary>Refuses a version that the environment does not take: protected ones take tagged, clean commits only.</summary>
    public static void RequireDeployable(this ProtectionPolicy policy, string environment, CalculatedVersion version)
    {
        if (policy.VersionRefusal(environment, version) is { } refusal) throw new PipelineException(refusal);
    }
}
