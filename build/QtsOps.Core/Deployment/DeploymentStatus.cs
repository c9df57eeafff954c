using System.Text;
using QtsOps.Core.Reports;

namespace QtsOps.Core.Deployment;

/// <summary>What runs in the environment's container, as the engine says.</summary>
/// <param name="Owner">Whose the container is (its labels).</param>
/// <param name="IsOurs">Whether this deployment started it.</param>
public sealed record RunningContainer(string Name, string State, string? Health, DateTimeOffset StartedAt, int RestartCount, string ImageId, string? Digest, DeploymentOwner Owner, bool IsOurs);

/// <summary>Whether a process holds the deploy lock now, and who last wrote its name there.</summary>
public sealed record LockState(bool Held, LockOwner? Owner)
{
    /// <summary>The lock as the host's script says it: <c>lock held|free</c> and <c>owner JSON</c> lines (others are left alone).</summary>
    /// <param name="parseOwner">Reads the lock's owner file as written.</param>
    public static LockState Parse(IEnumerable<string> lines, Func<string, LockOwner?> parseOwner)
    {
        var said = lines.Select(line => line.Split(' ', 2)).Where(parts => parts.Length == 2).ToLookup(parts => parts[0], parts => parts[1], StringComparer.Ordinal);
        return new LockState(said["lock"].SingleOrDefault() == "held", said["owner"].SingleOrDefault() is { } owner ? parseOwner(owner) : null);
    }
}

/// <summary>
/// The status target's answer for one environment: what runs (release, version, image, state,
/// health, since when), the release store's current one, the last verified release, the lock and
/// the newest history entries. Gathered by reading only.
/// </summary>
/// <param name="Container">The container that serves: behind the edge (whoever's it is), the slot it forwards to; else the single container.</param>
/// <param name="Others">The other containers under the environment's names (the edge, the other slot, the single container), whoever's they are.</param>
/// <param name="PortHolders">Containers that publish the environment's port and bear none of its names.</param>
public sealed record DeploymentStatus(
    string Environment, string Engine, string? CurrentRelease, RunningContainer? Container, HistoryEntry? LastVerified, LockState Lock, IReadOnlyList<HistoryEntry> History,
    IReadOnlyList<RunningContainer>? Others = null, IReadOnlyList<string>? PortHolders = null, string? HeldCanary = null)
{
    /// <summary>One line for the log and the report's heading.</summary>
    public string Summary => Container switch
    {
        null when Others?.FirstOrDefault(c => !c.IsOurs) is { } foreign => $"'{Environment}': {foreign.Name} belongs to {foreign.Owner.Describe()}, not to this deployment",
        null => $"'{Environment}': no container runs (current release: {CurrentRelease ?? "none"})",
        { IsOurs: false } c => $"'{Environment}': {c.Name} belongs to {c.Owner.Describe()}, not to this deployment, and serves {c.Owner.Release ?? "a release it does not name"}",
        var c => $"'{Environment}': {c.Owner.Release ?? CurrentRelease ?? "?"} ({c.Owner.Version ?? "version not recorded"}) is {c.State}" +
                 $"{(c.Health is null ? "" : $", {c.Health}")} in {c.Name} since {c.StartedAt:u}",
    };

    public string ToMarkdown()
    {
        var text = new StringBuilder($"# status: {Environment}\n\n{Summary}.\n\n");
        text.Append("| | |\n|---|---|\n");
        text.Append($"| engine | {ReportWriter.Cell(Engine)} |\n");
        text.Append($"| current release | {CurrentRelease ?? "none"} |\n");
        if (Container is { } c)
        {
            text.Append($"| container | `{c.Name}`: {c.State}{(c.Health is null ? "" : $", {c.Health}")}, since {c.StartedAt:u}, {c.RestartCount} restart(s) |\n");
            text.Append($"| image | `{c.ImageId}`{(c.Digest is null ? "" : $" ({c.Digest})")} |\n");
            text.Append($"| started by | {ReportWriter.Cell(c.IsOurs ? "this deployment" : c.Owner.Describe())} |\n");
        }
        foreach (var other in Others ?? [])
            text.Append($"| also | `{other.Name}`: {other.State}{(other.Health is null ? "" : $", {other.Health}")}, " +
                $"{ReportWriter.Cell(other.IsOurs ? $"this deployment{(other.Owner.Release is { } release ? $", release {release}" : "")}" : other.Owner.Describe())} |\n");
        if (PortHolders is { Count: > 0 } holders) text.Append($"| port held by | {ReportWriter.Cell(string.Join(", ", holders))} (not this environment's containers) |\n");
        if (HeldCanary is { } canary) text.Append($"| canary | {ReportWriter.Cell(canary)} |\n");
        text.Append($"| last verified | {Describe(LastVerified)} |\n");
        text.Append($"| deploy lock | {Describe(Lock)} |\n");
        if (History.Count == 0) return text.Append("\nNo history yet.\n").ToString();
        text.Append($"\n## History (newest {History.Count})\n\n| finished | action | result | release | version | detail |\n|---|---|---|---|---|---|\n");
        foreach (var entry in History.Reverse())
            text.Append($"| {entry.FinishedAt:u} | {entry.Action.ToString().ToLowerInvariant()} | {entry.Result.ToString().ToLowerInvariant()} | {entry.Release} | {entry.Version} | {ReportWriter.Cell(entry.Note)} |\n");
        return text.ToString();
    }

    /// <summary>The last verified release, as status says it.</summary>
    public static string Describe(HistoryEntry? lastVerified) => lastVerified is { } v ? $"{v.Release} ({v.Version}) at {v.FinishedAt:u}" : "none";

    /// <summary>The deploy lock, as status says it.</summary>
    public static string Describe(LockState held) => held.Held ? $"held by {held.Owner?.ToString() ?? "a process that has not named itself yet"}" : "free";

    /// <summary>
    /// The last verified release, the deploy lock and the newest history, newest first, as plain lines: what status shows
    /// beside an engine's own account that is not one container (a swarm's tasks).
    /// </summary>
    public static IReadOnlyList<string> LockAndHistoryLines(HistoryEntry? lastVerified, LockState held, IReadOnlyList<HistoryEntry> history) =>
    [
        $"last verified: {Describe(lastVerified)}", $"deploy lock: {Describe(held)}",
        .. history.Count == 0 ? ["history: none yet"] : history.Reverse().Select(entry =>
            $"history: {entry.FinishedAt:u} {entry.Action.ToString().ToLowerInvariant()} {entry.Result.ToString().ToLowerInvariant()} {entry.Release} ({entry.Version})" +
            (entry.Note is { Length: > 0 } note ? $": {note}" : "")),
    ];
}
