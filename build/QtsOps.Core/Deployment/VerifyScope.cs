namespace QtsOps.Core.Deployment;

/// <summary>
/// Which deployment verify may judge: one whose containers (single, edge, slots) this deployment all
/// started, serving its current release. Another deployment's container (another checkout deploying
/// to the same names), or one running another release, would be verified, recorded and rolled back
/// as if it were the current release.
/// </summary>
public static class VerifyScope
{
    /// <param name="found">The containers under the environment's names, and whose they are.</param>
    /// <param name="serving">The name of the container that serves.</param>
    /// <param name="deployDirectory">This deployment's deploy directory.</param>
    /// <returns>Null when verify may go on; else that nothing was verified or rolled back, why, and the fix.</returns>
    public static string? Refusal(IReadOnlyList<ClaimedContainer> found, string serving, string environment, string deployDirectory, string currentRelease)
    {
        const string nothingDone = "nothing was verified or rolled back";
        if (DeploymentClaim.Refusal(found, deployDirectory, environment, nothingDone, "verify from that checkout, or deploy here with --take-over.") is { } foreign)
            return foreign;
        if (found.FirstOrDefault(c => c.Name == serving)?.Owner.Release is { } running && running != currentRelease)
            return $"{serving} runs release {running}, but this deployment's current release is {currentRelease}: {nothingDone}. " +
                $"Fix: ./build.sh --target=deploy (or --target=rollback --to={running}) so that the two agree.";
        return null;
    }
}
