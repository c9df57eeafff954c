namespace QtsOps.Core.Fleet;

/// <summary>What one host's deploy came to: whether its traffic switched to the new release, and whether it verified.</summary>
/// <param name="Held">The host holds the release as a canary (--canary-hold): verified before it took its share, not switched.</param>
public sealed record HostOutcome(string Host, bool Switched, bool Verified, bool Held = false);

public enum RolloutAction
{
    /// <summary>The group verified: wait, then start the next.</summary>
    Continue,

    /// <summary>The last group verified: every host runs the release.</summary>
    Finished,

    /// <summary>A host failed and automatic rollback is on: the switched hosts go back to their last verified release.</summary>
    RollBack,

    /// <summary>A host failed and rollback is off: the run stops and fails, the environment left mixed and said so.</summary>
    StopMixed,

    /// <summary>A signal came during a group that verified: no further group starts, and the run ends interrupted.</summary>
    Interrupted,

    /// <summary>
    /// The first group's hosts hold the canary (--canary-hold): no further group starts, and the run ends there, the held hosts
    /// and the others said, until --target=promote or --target=abort ends the canary.
    /// </summary>
    Hold,
}

/// <summary>What happens after a group, and what the report and status must say.</summary>
/// <param name="HostsToRollBack">The hosts switched in this run, in the run's order: each goes back to its last verified release.</param>
/// <param name="HostsOnRelease">With <see cref="RolloutAction.StopMixed"/> and <see cref="RolloutAction.Interrupted"/>: the hosts left on the new release (status must show them so);
/// with <see cref="RolloutAction.Hold"/> and <see cref="RolloutAction.RollBack"/>: the hosts that hold it as a canary.</param>
public sealed record RolloutDecision(RolloutAction Action, int WaitSeconds, IReadOnlyList<string> FailedHosts,
    IReadOnlyList<string> HostsToRollBack, IReadOnlyList<string> HostsOnRelease, string Summary);

/// <summary>
/// A rollout in groups (issue 24, point 3), as Kamal's boot limit: the hosts in the file's order cut into
/// groups; each group verified before the next starts; the first host that fails stops it.
/// </summary>
public static class RolloutPlan
{
    public static IReadOnlyList<IReadOnlyList<EnvironmentHost>> Groups(IReadOnlyList<EnvironmentHost> hosts, RolloutSettings rollout) =>
        [.. hosts.Chunk(rollout.GroupSize(hosts.Count)).Select(group => (IReadOnlyList<EnvironmentHost>)group)];

    /// <summary>
    /// The hosts as the rollout deploys them: with the canary strategy the first group's hosts run the canary, and the later
    /// groups' take the release start-first, as the canary was promoted before they start (issue 24, point 5).
    /// </summary>
    public static IReadOnlyList<EnvironmentHost> CanaryOnFirstGroup(IReadOnlyList<EnvironmentHost> hosts, RolloutSettings rollout)
    {
        var firstGroup = Groups(hosts, rollout).FirstOrDefault() ?? [];
        return [.. hosts.Select(host => host.Environment.Strategy == Deployment.DeployStrategy.Canary && !firstGroup.Contains(host)
            ? host with { Environment = host.Environment with { Strategy = Deployment.DeployStrategy.StartFirst } }
            : host)];
    }

    /// <summary>What to do once the group <paramref name="groupIndex"/> of <paramref name="groups"/> has ended.</summary>
    /// <param name="outcomes">Every host deployed so far in this run, this group's included.</param>
    /// <param name="signal">The signal that came during the group (Ctrl-C), if one did: the group was let finish, and no further group starts.</param>
    public static RolloutDecision After(IReadOnlyList<IReadOnlyList<EnvironmentHost>> groups, int groupIndex, IReadOnlyList<HostOutcome> outcomes,
        RolloutSettings rollout, bool automaticRollback, string release, string? signal = null)
    {
        var failed = outcomes.Where(o => !o.Verified).Select(o => o.Host).ToList();
        var switched = outcomes.Where(o => o.Switched).Select(o => o.Host).ToList();
        var notReached = groups.Skip(groupIndex + 1).SelectMany(g => g).Select(h => h.Name).ToList();
        var held = outcomes.Where(o => o.Held).Select(o => o.Host).ToList();
        if (failed.Count == 0 && held.Count > 0)
            // Held whatever a signal asked: the hold stops the rollout after this group too.
            return new(RolloutAction.Hold, 0, [], [], held, Holding(held, release) + " and the rollout stops there" +
                (outcomes.Where(o => !o.Held).Select(o => o.Host).ToList() is { Count: > 0 } already ? $"; {Names(already)} already ran {release}" : "") +
                (notReached.Count > 0 ? $"; {Names(notReached)} were not reached and still run their previous release" : "") +
                $". End the canary with ./build.sh --target=promote (then {RestAfterPromote(release)} to the others) " +
                "or ./build.sh --target=abort (every request back to the previous release)");
        if (failed.Count == 0 && groupIndex == groups.Count - 1)
            return new(RolloutAction.Finished, 0, [], [], [], $"{release} verified on every host: {Names(outcomes.Select(o => o.Host))}");
        if (failed.Count == 0 && signal is not null)
            // Every host of the groups done verified the release (or already ran it); the rest were never touched.
            return new(RolloutAction.Interrupted, 0, [], [], [.. outcomes.Select(o => o.Host)],
                $"{signal} during group {groupIndex + 1} of {groups.Count}: the rollout stopped once that group verified; " +
                $"{Names(outcomes.Select(o => o.Host))} run {release}, {Names(notReached)} were not reached and run their previous release");
        if (failed.Count == 0)
            return new(RolloutAction.Continue, rollout.WaitSeconds, [], [], [],
                $"group {groupIndex + 1} of {groups.Count} verified ({Names(groups[groupIndex].Select(h => h.Name))}); next: {Names(groups[groupIndex + 1].Select(h => h.Name))}");
        var failure = $"{release} failed on {Names(failed)}";
        // A host of the group that held its canary keeps it: only promote or abort end it.
        var stillHeld = held.Count > 0 ? $"; {Holding(held, release)}: end it with ./build.sh --target=abort" : "";
        if (automaticRollback)
            return new(RolloutAction.RollBack, 0, failed, switched, held, (switched.Count == 0
                ? $"{failure}; no host switched to it, every host still runs its last verified release"
                : $"{failure}; {Names(switched)} go back to their last verified release") + stillHeld);
        var unchanged = outcomes.Where(o => !o.Switched && !o.Held).Select(o => o.Host).Concat(notReached).ToList();
        return new(RolloutAction.StopMixed, 0, failed, [], switched, (switched.Count == 0
            ? $"{failure}; rollback is off, but no host switched to it"
            : $"{failure}; rollback is off, so the environment is mixed: {Names(switched)} on {release}"
              + (unchanged.Count > 0 ? $", {Names(unchanged)} on their previous release" : "")) + stillHeld);
    }

    /// <summary>
    /// What takes a promoted canary's release to the hosts the hold did not reach: the canary's deploy again, so that the hosts that
    /// promoted it find it recorded with the settings asked for, and skip it (already ran it); the later groups take it start-first.
    /// </summary>
    public static string RestAfterPromote(string release) => $"./build.sh --target=deploy --strategy=canary of the same commit, without --canary-hold, rolls {release} out";

    private static string Holding(IReadOnlyList<string> held, string release) =>
        $"{Names(held)} {(held.Count == 1 ? "holds" : "hold")} a canary of {release} (--canary-hold)";

    private static string Names(IEnumerable<string> hosts) => string.Join(", ", hosts);
}
