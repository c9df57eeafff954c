using System.Globalization;
using System.Text;
using QtsOps.Core.Reports;

namespace QtsOps.Core.Deployment;

/// <summary>An installed release as the releases target lists it.</summary>
/// <param name="InstalledAt">When its deploy finished successfully (the history), else when its folder was written.</param>
/// <param name="VerifiedAt">When it last verified; null when it never did.</param>
public sealed record InstalledRelease(string Release, string Version, DateTimeOffset InstalledAt, DateTimeOffset? VerifiedAt, bool IsCurrent);

/// <summary>A data backup as the releases target lists it.</summary>
/// <param name="Sha256">The digest its .sha256 file records; null when that file is missing.</param>
public sealed record BackupListed(string Name, long Bytes, DateTimeOffset WrittenAt, string? Sha256);

/// <summary>
/// The releases target's answer: what <c>--to</c> can put back (the installed releases, with when they
/// were installed and whether they verified) and what <c>--backup</c> can restore (the backups, with
/// size, time and digest). Built from the release store, the history and the backup folder; reads only.
/// </summary>
/// <param name="BackupsNote">Why the backups are not listed (they are on another host), or null.</param>
public sealed record ReleaseListing(string Environment, IReadOnlyList<InstalledRelease> Releases, IReadOnlyList<BackupListed> Backups, string? BackupsNote)
{
    /// <param name="installed">The release folders, as the store lists them.</param>
    public static IReadOnlyList<InstalledRelease> ReleasesOf(IEnumerable<(string Name, DateTime LastWriteUtc)> installed, string? current, IReadOnlyList<HistoryEntry> history) =>
        [.. installed.Where(folder => !folder.Name.StartsWith('.')).Select(folder =>
        {
            var deployed = history.LastOrDefault(e => e.Release == folder.Name && e.Action == HistoryAction.Deploy && e.Result == HistoryResult.Succeeded);
            var verified = history.LastOrDefault(e => e.Release == folder.Name && e.Action == HistoryAction.Verify && e.Result == HistoryResult.Succeeded);
            return new InstalledRelease(folder.Name, deployed?.Version ?? history.LastOrDefault(e => e.Release == folder.Name)?.Version ?? folder.Name,
                deployed?.FinishedAt ?? new DateTimeOffset(DateTime.SpecifyKind(folder.LastWriteUtc, DateTimeKind.Utc)), verified?.FinishedAt, folder.Name == current);
        }).OrderByDescending(r => r.InstalledAt)];

    public string ToMarkdown()
    {
        var text = new StringBuilder($"# releases: {Environment}\n\n## Installed releases (for --to)\n\n");
        if (Releases.Count == 0) text.Append("None installed yet.\n");
        else
        {
            text.Append($"{ReleaseColumns}\n{Rule(5)}\n");
            foreach (var r in Releases) text.Append($"{Row(r)}\n");
        }
        text.Append("\n## Data backups (for --backup), newest first\n\n");
        if (BackupsNote is not null) return text.Append(BackupsNote).Append('\n').ToString();
        if (Backups.Count == 0) return text.Append("None yet: each deploy makes one.\n").ToString();
        text.Append($"{BackupColumns}\n{Rule(4)}\n");
        foreach (var b in Backups) text.Append($"{Row(b)}\n");
        return text.ToString();
    }

    /// <summary>The installed releases' table's heading; a table of several hosts' puts "| host " before it.</summary>
    public const string ReleaseColumns = "| release | version | installed | verified | |";

    /// <summary>The backups' table's heading; a table of several hosts' puts "| host " before it.</summary>
    public const string BackupColumns = "| backup | size | written | SHA-256 |";

    /// <summary>A Markdown table's line under its heading, for so many columns.</summary>
    public static string Rule(int columns) => "|" + string.Concat(Enumerable.Repeat("---|", columns));

    public static string Row(InstalledRelease r) =>
        $"| {r.Release} | {ReportWriter.Cell(r.Version)} | {r.InstalledAt:u} | {(r.VerifiedAt is { } at ? $"yes, {at:u}" : "never")} | {(r.IsCurrent ? "current" : "")} |";

    public static string Row(BackupListed b) => $"| {b.Name} | {Size(b.Bytes)} | {b.WrittenAt:u} | {b.Sha256 ?? "no .sha256 file: restore refuses it"} |";

    /// <summary>A size as a person reads it: KB below a megabyte, else MB.</summary>
    public static string Size(long bytes) => bytes < 1024 * 1024
        ? $"{(bytes / 1024.0).ToString("0.#", CultureInfo.InvariantCulture)} KB"
        : $"{(bytes / 1024.0 / 1024.0).ToString("0.#", CultureInfo.InvariantCulture)} MB";

    /// <summary>The backups of this machine's <paramref name="backupDirectory"/>, newest first.</summary>
    public static IReadOnlyList<BackupListed> BackupsIn(string backupDirectory) =>
        [.. DataBackup.Newest(backupDirectory).Select(archive =>
        {
            var file = new FileInfo(archive);
            var sum = File.Exists(archive + ".sha256") ? File.ReadAllText(archive + ".sha256").Split(' ', 2)[0].Trim() : null;
            return new BackupListed(file.Name, file.Length, new DateTimeOffset(file.LastWriteTimeUtc), sum);
        })];
}
