namespace QtsOps.Core.Deployment;

/// <summary>What a failed or interrupted deploy leaves running.</summary>
public enum FailedDeployPlan
{
    /// <summary>The release that served still serves (start-first: the new slot never took traffic; recreate: compose failed before replacing it): only <c>current</c> goes back to it.</summary>
    KeepServing,

    /// <summary>The release that served was replaced: exactly it is started again.</summary>
    PutBack,

    /// <summary>Nothing served when the deploy began: the last verified release is put back, as a rollback would.</summary>
    RollBack,
}

/// <summary>
/// Decides what a failed deploy puts back. A failed deploy of any release leaves the release that
/// served serving, or puts exactly it back, never an older one: a forced deploy of the release that
/// serves, or of one that never verified, must not switch to an older verified release.
/// </summary>
public static class FailedDeploy
{
    /// <param name="servedBefore">The release this deployment's serving container ran, running, when the deploy began; null when none ran.</param>
    /// <param name="stillServes">Whether that release still runs in the container that serves now.</param>
    public static FailedDeployPlan Plan(string? servedBefore, bool stillServes) =>
        servedBefore is null ? FailedDeployPlan.RollBack : stillServes ? FailedDeployPlan.KeepServing : FailedDeployPlan.PutBack;
}
