namespace QtsOps.Core.Deployment;

/// <summary>A container found under one of an environment's names (its single container, the edge or a slot), and whose it is.</summary>
public sealed record ClaimedContainer(string Name, DeploymentOwner Owner);

/// <summary>
/// Whether the containers under an environment's names are this deployment's. A deployment is all
/// of them at once, in either layout (one container, or the edge and two slots, and the one
/// container still there during the move): another checkout's edge or slot is as much its own as
/// its single container, and acting on one of them (starting a slot behind that edge, verifying
/// it, rolling it back, restoring its data) would take that deployment over without a word.
/// </summary>
public static class DeploymentClaim
{
    /// <summary>The containers of <paramref name="found"/> that another deployment (or none, or another environment) started.</summary>
    public static IReadOnlyList<ClaimedContainer> Foreign(IEnumerable<ClaimedContainer> found, string deployDirectory, string environment) =>
        [.. found.Where(c => !c.Owner.IsOf(deployDirectory, environment))];

    /// <param name="found">What the engine has under the environment's names.</param>
    /// <param name="nothingDone">What was not done, for the message: "nothing was changed", "nothing was verified or rolled back".</param>
    /// <param name="fix">How to go on, for the message.</param>
    /// <returns>Null when every container found is this deployment's; else which are not, whose they are, and the fix.</returns>
    public static string? Refusal(IEnumerable<ClaimedContainer> found, string deployDirectory, string environment, string nothingDone, string fix)
    {
        var foreign = Foreign(found, deployDirectory, environment);
        if (foreign.Count == 0) return null;
        var owners = foreign.GroupBy(c => (c.Owner with { Release = null, Version = null }).Describe(), StringComparer.Ordinal)
            .Select(group => $"{string.Join(", ", group.Select(c => c.Owner.Release is { } release ? $"{c.Name} (release {release})" : c.Name))} " +
                $"belong{(group.Count() == 1 ? "s" : "")} to {group.Key}");
        return $"'{environment}' is another deployment's: {string.Join("; ", owners)}, not to this one ({deployDirectory} for '{environment}'); {nothingDone}. Fix: {fix}";
    }
}
