namespace QtsOps.Core.Fleet;

/// <summary>
/// environments.json's "rollout" for an environment of several hosts: how many hosts each group takes
/// (a count, or a percentage of the hosts the run works on), and how long to wait between groups.
/// </summary>
public sealed record RolloutSettings(int? GroupCount, int? GroupPercent, int WaitSeconds)
{
    public const string Key = "rollout";

    /// <summary>One host at a time, no wait: each host verified before the next starts.</summary>
    public static readonly RolloutSettings OneAtATime = new(1, null, 0);

    /// <summary>How many hosts a group of <paramref name="hostCount"/> takes: a percentage rounds up, and a group has at least one.</summary>
    public int GroupSize(int hostCount) => Math.Max(1, GroupCount ?? (int)Math.Ceiling(hostCount * GroupPercent!.Value / 100.0));
}
