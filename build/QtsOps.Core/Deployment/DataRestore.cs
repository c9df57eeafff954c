using System.Text;
using QtsOps.Core.Reports;
using QtsOps.Core.Verification;

namespace QtsOps.Core.Deployment;

/// <summary>
/// The file steps of a restore: choose a backup, unpack it (checked) beside the data directory, then
/// switch: the current data is moved aside, never deleted, and the unpacked data takes its place.
/// Beside the data directory, so both are on one file system and each switch step is a rename.
/// </summary>
public static class DataRestore
{
    /// <summary>The backup named <paramref name="name"/> (a file name in <paramref name="backupDirectory"/>), or the newest when null.</summary>
    public static string Choose(string backupDirectory, string? name)
    {
        var backups = DataBackup.Newest(backupDirectory);
        if (name is null)
            return backups.FirstOrDefault() ?? throw new FileNotFoundException(
                $"There is no backup in {backupDirectory} to restore. Fix: backups are made by each deploy; name one elsewhere by copying it (with its .sha256) into that directory.");
        return backups.FirstOrDefault(path => Path.GetFileName(path) == name) ?? throw new FileNotFoundException(
            $"There is no backup {name} in {backupDirectory}. Fix: give --backup one of: {(backups.Count == 0 ? "(none)" : string.Join(", ", backups.Select(Path.GetFileName)))}.");
    }

    /// <summary>Checks the backup's SHA-256, then unpacks it into a new folder beside <paramref name="dataDirectory"/>; nothing else changes.</summary>
    public static (string Directory, string Sha256, int Files) Unpack(string archive, string dataDirectory, DateTimeOffset now)
    {
        var unpacked = Sibling(dataDirectory, "restoring", now);
        try
        {
            var (sha256, files) = DataBackup.Extract(archive, unpacked);
            return (unpacked, sha256, files);
        }
        catch
        {
            // Only what this call unpacked: the data directory is untouched at this point.
            if (Directory.Exists(unpacked)) Directory.Delete(unpacked, recursive: true);
            throw;
        }
    }

    /// <summary>Moves the current data aside and the unpacked data in its place.</summary>
    /// <returns>Where the data that was in place is now, or null when there was none.</returns>
    public static string? Switch(string dataDirectory, string unpacked, DateTimeOffset now)
    {
        string? aside = null;
        if (Directory.Exists(dataDirectory))
        {
            aside = Sibling(dataDirectory, "before-restore", now);
            Directory.Move(dataDirectory, aside);
        }
        try
        {
            Directory.Move(unpacked, dataDirectory);
        }
        catch when (aside is not null)
        {
            Directory.Move(aside, dataDirectory); // the service must find its data where it was
            throw;
        }
        return aside;
    }

    /// <summary>&lt;data&gt;.&lt;purpose&gt;-&lt;UTC time&gt;, a name nothing has yet.</summary>
    private static string Sibling(string dataDirectory, string purpose, DateTimeOffset now)
    {
        var data = Path.TrimEndingDirectorySeparator(Path.GetFullPath(dataDirectory));
        for (var time = now.UtcDateTime; ; time = time.AddMilliseconds(1))
        {
            var path = $"{data}.{purpose}-{time:yyyyMMdd'T'HHmmss'.'fff'Z'}";
            if (!Path.Exists(path)) return path;
        }
    }
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
