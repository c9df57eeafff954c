using QtsOps.Core.Deployment;

namespace QtsOps.Core.Swarm;

/// <summary>
/// What tells whether a release already runs on a swarm. The readings are functions so that each is taken only when all before
/// it say the release may be running: a deploy of a new release asks the manager nothing.
/// </summary>
/// <param name="CurrentRelease">The release the store on the manager's host names current; null when none is.</param>
/// <param name="SuccessfulChange">The history's newest change of what runs when it put the release in place successfully; null otherwise.</param>
/// <param name="Settings">What the stack is to be made from now (<see cref="DeploymentSettings"/>).</param>
/// <param name="KeptStack">The text of the release's kept stack file; null when it has none.</param>
/// <param name="StackNow">The text of the stack file this run would deploy (the images pinned by the digests the registry confirms now).</param>
/// <param name="Running">How the observer's and the edge's tasks stand against the kept stack file's images.</param>
public sealed record SwarmDeploySkipEvidence(
    string Release, string? CurrentRelease, Func<HistoryEntry?> SuccessfulChange, IReadOnlyDictionary<string, string> Settings,
    Func<string?> KeptStack, Func<string> StackNow, Func<Convergence> Running);

/// <summary>Judges whether a deploy to a swarm has nothing to do, so that running it again changes nothing that already works.</summary>
public static class SwarmDeploySkip
{
    /// <returns>
    /// Why the deploy is skipped: the release is current, the last change of what runs was its successful deploy (or rollback) with the
    /// settings asked for now, the stack file this run would deploy is the one kept for it (the same digests, configs and rollout), and
    /// every task the engine wants runs its image. Null when the deploy is to run.
    /// </returns>
    public static string? Reason(SwarmDeploySkipEvidence e)
    {
        if (e.CurrentRelease != e.Release) return null;
        if (e.SuccessfulChange() is not { } last || DeploymentSettings.Changes(last.Settings, e.Settings).Count > 0) return null;
        if (e.KeptStack() is not { } kept || !SwarmStack.SameStack(kept, e.StackNow())) return null;
        return e.Running().Outcome == ConvergenceOutcome.Converged
            ? $"{e.Release} already runs on the swarm, every task from the digest its kept {SwarmStack.FileName} pins, the stack file this run would deploy the same (--force-deploy to deploy it again)"
            : null;
    }
}
