using System.Globalization;
using QtsOps.Core.Deployment;
using QtsOps.Core.Reports;

namespace QtsOps.Core.Fleet;

/// <summary>One host's row of a run on several hosts: what it runs now, what the run came to there, and how long it took.</summary>
/// <param name="Release">What the host runs at the end of its share (null when it could not be read).</param>
/// <param name="Outcome">"verified", "failed", "rolled back", "not reached"...</param>
public sealed record HostRow(string Host, string? Release, string Outcome, TimeSpan? Duration, string? Detail = null);

/// <summary>A run on several hosts as the report, the step summary and the log show it: one row per host.</summary>
public static class HostTable
{
    /// <param name="action">"deploy", "rollback"...: the report's heading.</param>
    /// <param name="subset">Null when the run worked on every host of the environment; else the hosts it left out.</param>
    public static string Markdown(string action, string environment, string summary, IReadOnlyList<HostRow> rows, IReadOnlyList<string>? subset)
    {
        var text = $"# {action}: {environment}\n\n{summary}.\n\n" + (subset is { Count: > 0 } ? Subset([.. rows.Select(r => r.Host)], subset) + "\n" : "");
        return text + "| host | release | outcome | duration | detail |\n|---|---|---|---|---|\n" + string.Concat(rows.Select(row =>
            $"| {row.Host} | {row.Release ?? "?"} | {row.Outcome} | {(row.Duration is { } d ? d.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + " s" : "")} | {ReportWriter.Cell(row.Detail ?? "")} |\n"));
    }

    /// <summary>The line a run on some of the environment's hosts (--hosts) writes in its report; empty for a run on all of them.</summary>
    /// <param name="hosts">The hosts the run worked on.</param>
    /// <param name="leftOut">The environment's hosts it left out; null or empty when none.</param>
    public static string Subset(IReadOnlyList<string> hosts, IReadOnlyList<string>? leftOut) => leftOut is { Count: > 0 }
        ? $"This run worked on {hosts.Count} of {hosts.Count + leftOut.Count} hosts (--hosts): {string.Join(", ", hosts)}; not on {string.Join(", ", leftOut)}.\n"
        : "";

    /// <summary>
    /// Status of an environment of several hosts: a row per host (release, health, since, the last thing its history says), and
    /// drift, hosts that do not run the same release, called out above it.
    /// </summary>
    /// <param name="hosts">Each host's status, or why it could not be read.</param>
    public static string Status(string environment, IReadOnlyList<(string Host, DeploymentStatus? Status, string? Error)> hosts)
    {
        var text = $"# status: {environment}\n\n{Drift(hosts)}\n\n| host | release | health | since | last |\n|---|---|---|---|---|\n";
        foreach (var (host, status, error) in hosts)
            text += status is null
                ? $"| {host} | ? | unreadable | | {ReportWriter.Cell(error ?? "")} |\n"
                : $"| {host} | {status.CurrentRelease ?? "none"} | {Health(status)} | {(status.Container is { } c ? c.StartedAt.ToString("u", CultureInfo.InvariantCulture) : "")} | {Last(status)} |\n";
        return text;
    }

    /// <summary>One line: every host on one release, or which host runs what.</summary>
    public static string Drift(IReadOnlyList<(string Host, DeploymentStatus? Status, string? Error)> hosts)
    {
        var read = hosts.Where(h => h.Status is not null).ToList();
        var releases = read.GroupBy(h => h.Status!.CurrentRelease ?? "nothing").ToList();
        var unread = hosts.Where(h => h.Status is null).Select(h => h.Host).ToList();
        var line = releases.Count switch
        {
            0 => "No host could be read",
            1 => $"Every host read runs {releases[0].Key}",
            _ => "Drift: the hosts do not run the same release: " + string.Join("; ", releases.Select(g => $"{string.Join(", ", g.Select(h => h.Host))} on {g.Key}")),
        };
        return line + (unread.Count > 0 ? $" ({string.Join(", ", unread)} could not be read)." : ".");
    }

    /// <summary>
    /// The releases of an environment of several hosts: one table of every host's installed releases (for --to), one of every
    /// host's backups (for --backup), a row per release or backup led by its host; a host that could not be read says why.
    /// </summary>
    /// <param name="hosts">Each host's listing, or why it could not be read.</param>
    public static string Releases(string environment, IReadOnlyList<(string Host, ReleaseListing? Listing, string? Error)> hosts)
    {
        var text = $"# releases: {environment}\n\n## Installed releases (for --to)\n\n| host {ReleaseListing.ReleaseColumns}\n|---{ReleaseListing.Rule(5)}\n";
        foreach (var (host, listing, error) in hosts)
            text += listing is null ? $"| {host} | ? | | | unreadable: {ReportWriter.Cell(error ?? "")} | |\n"
                : listing.Releases.Count == 0 ? $"| {host} | none installed yet | | | | |\n"
                : string.Concat(listing.Releases.Select(r => $"| {host} {ReleaseListing.Row(r)}\n"));
        text += $"\n## Data backups (for --backup), newest first\n\n| host {ReleaseListing.BackupColumns}\n|---{ReleaseListing.Rule(4)}\n";
        foreach (var (host, listing, _) in hosts.Where(h => h.Listing is not null))
            text += listing!.BackupsNote is { } note ? $"| {host} | {ReportWriter.Cell(note)} | | | |\n"
                : listing.Backups.Count == 0 ? $"| {host} | none yet: each deploy makes one | | | |\n"
                : string.Concat(listing.Backups.Select(b => $"| {host} {ReleaseListing.Row(b)}\n"));
        return text;
    }

    private static string Health(DeploymentStatus status) => status.Container is { } c ? c.Health ?? c.State : "no container";

    /// <summary>The host's newest history entry (the history is oldest first).</summary>
    private static string Last(DeploymentStatus status)
    {
        if (status.History.Count == 0) return "no history";
        var entry = status.History[^1];
        return $"{entry.Action.ToString().ToLowerInvariant()} {entry.Release} {entry.Result.ToString().ToLowerInvariant()} at {entry.FinishedAt:u}";
    }
}
