using System.Text;
using QtsOps.Core.Reports;
using QtsOps.Core.Verification;

namespace QtsOps.Core.Deployment;

/// <summary>
/// The decisions of a restore: which backup, and the names beside the data directory where the backup is
/// unpacked and where the data in place is moved aside (never deleted). Beside the data directory, so both are
/// on one file system and each switch step is a rename. The host's scripts do the steps.
/// </summary>
public static class DataRestore
{
    /// <summary>The backup named <paramref name="name"/> (a file name among <paramref name="newestFirst"/>, the backups in <paramref name="backupDirectory"/>), or the newest when null.</summary>
    public static string Choose(string backupDirectory, IReadOnlyList<string> newestFirst, string? name)
    {
        if (name is null)
            return newestFirst.FirstOrDefault() ?? throw new FileNotFoundException(
                $"There is no backup in {backupDirectory} to restore. Fix: backups are made by each deploy; name one elsewhere by copying it (with its .sha256) into that directory.");
        return newestFirst.FirstOrDefault(path => Path.GetFileName(path) == name) ?? throw new FileNotFoundException(
            $"There is no backup {name} in {backupDirectory}. Fix: give --backup one of: {(newestFirst.Count == 0 ? "(none)" : string.Join(", ", newestFirst.Select(Path.GetFileName)))}.");
    }

    /// <summary>Where a backup is unpacked before the switch: &lt;data&gt;.restoring-&lt;UTC time&gt;.</summary>
    public static string Unpacked(string dataDirectory, DateTimeOffset now) => Sibling(dataDirectory, "restoring", now);

    /// <summary>Where the data in place is moved: &lt;data&gt;.before-restore-&lt;UTC time&gt;.</summary>
    public static string Aside(string dataDirectory, DateTimeOffset now) => Sibling(dataDirectory, "before-restore", now);

    private static string Sibling(string dataDirectory, string purpose, DateTimeOffset now) =>
        $"{dataDirectory.TrimEnd('/', '\\')}.{purpose}-{now.UtcDateTime:yyyyMMdd'T'HHmmss'.'fff'Z'}";
}

/// <summary>artifacts/reports/restore.json and .md: which backup went where, and how the release did on it.</summary>
/// <param name="Failure">Why the release did not start on the restored data (then there is no <paramref name="Verification"/>), with what to do.</param>
public sealed record RestoreReport(string Environment, string Release, string Backup, string Sha256, int Files, string? PreviousDataMovedTo, string? Failure, VerifyReport? Verification)
{
    public bool Passed => Failure is null && Verification is { Passed: true };

    public IReadOnlyList<Finding> Findings => Failure is not null
        ? [Finding.Error("restore/start", null, Failure, PreviousDataMovedTo is null ? "see the error" : $"to go back, put {PreviousDataMovedTo} in place of the data directory and run ./build.sh --target=verify")]
        : Verification?.Findings ?? [];

    public string ToMarkdown()
    {
        var markdown = new StringBuilder();
        markdown.Append($"# restore: {Environment}\n\n");
        markdown.Append($"Backup `{Backup}` (SHA-256 `{Sha256}`, checked, {Files} file(s)) restored under release `{Release}`: **{(Passed ? "passed" : "FAILED")}**.\n\n");
        markdown.Append(PreviousDataMovedTo is null ? "There was no data before.\n\n" : $"The data that was in place is kept in `{PreviousDataMovedTo}`.\n\n");
        if (Failure is not null) markdown.Append($"The release did not start on the restored data: {Failure}\n");
        if (Verification is not null) markdown.Append(Verification.ToMarkdown().Replace($"# {Verification.Target}: {Environment}\n\n", "## Verification\n\n"));
        return markdown.ToString();
    }
}
