namespace QtsOps.Release.Deployment;

/// <summary>
/// Which container verify may judge: one this deployment started, running its current release. Another
/// deployment's container (another checkout deploying to the same name), or one running another release,
/// would be verified, recorded and rolled back as if it were the current release.
/// </summary>
public static class VerifyScope
{
    /// <param name="owner">Who started the container found under the environment's container name.</param>
    /// <param name="deployDirectory">This deployment's deploy directory.</param>
    /// <returns>Null when verify may go on; else that nothing was verified or rolled back, why, and the fix.</returns>
    public static string? Refusal(string containerName, string environment, DeploymentOwner owner, string deployDirectory, string currentRelease)
    {
        if (!owner.IsOf(deployDirectory, environment))
            return $"{containerName} on '{environment}' belongs to {owner.Describe()}, not to this deployment ('{environment}' in {deployDirectory}): " +
                "nothing was verified or rolled back. Fix: verify from that checkout, or deploy here with --take-over.";
        if (owner.Release is { } running && running != currentRelease)
            return $"{containerName} runs release {running}, but this deployment's current release is {currentRelease}: nothing was verified or rolled back. " +
                $"Fix: ./build.sh --target=deploy (or --target=rollback --to={running}) so that the two agree.";
        return null;
    }
}
