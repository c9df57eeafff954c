namespace QtsOps.Core.Deployment;

/// <summary>A backup archive, checked after it was written.</summary>
/// <param name="Skipped">Entries left out, each with why: FIFOs, sockets and devices are no data (and reading a FIFO blocks).</param>
/// <param name="RemovedPartials">Unfinished archives an earlier, killed run left, removed before this one.</param>
/// <param name="Backups">The backups in its folder once it was written, this one among them, newest first: what pruning chooses from, without listing the folder again.</param>
public sealed record BackupResult(string ArchivePath, string Sha256, int Files, long Bytes, IReadOnlyList<string> Skipped, IReadOnlyList<string> RemovedPartials,
    IReadOnlyList<string> Backups);

/// <summary>
/// The data backups' names and order: a tar.gz beside a .sha256 file, named by its UTC time so that names sort
/// by time, which pruning and choosing the newest rely on. The host's script makes, checks and unpacks them.
/// </summary>
public static class DataBackup
{
    public const string Extension = ".tar.gz";

    /// <summary>
    /// The observer's health probe (.health-probe; earlier releases made and removed a .health-XXXX file on
    /// every request): no data, left out of every backup (a shell pattern).
    /// </summary>
    public const string ProbeFiles = ".health-*";

    /// <summary>The backups in this machine's <paramref name="backupDirectory"/>, newest first.</summary>
    public static IReadOnlyList<string> Newest(string backupDirectory) =>
        Directory.Exists(backupDirectory) ? NewestFirst(Directory.EnumerateFiles(backupDirectory)) : [];

    /// <summary>The backup archives among <paramref name="paths"/> (a folder's listing, here or on a Docker host), newest first.</summary>
    public static IReadOnlyList<string> NewestFirst(IEnumerable<string> paths) =>
        [.. paths.Where(IsArchiveName).OrderByDescending(Path.GetFileName, StringComparer.Ordinal)];

    /// <summary>The backups among <paramref name="paths"/> beyond the <paramref name="keep"/> newest: what pruning removes.</summary>
    public static IReadOnlyList<string> Pruned(IEnumerable<string> paths, int keep) => [.. NewestFirst(paths).Skip(keep)];

    /// <summary>
    /// What the host's backup script said of the archive it wrote (<c>sha256</c>, <c>files</c>, <c>bytes</c>, and a
    /// <c>skipped</c> and <c>partial</c> line per entry left out and unfinished archive removed, and a <c>listed</c> line per entry
    /// of the backup folder once it was written), as its result; its <see cref="BackupResult.Backups"/> are those entries' names.
    /// </summary>
    public static BackupResult ReadResult(string archivePath, IEnumerable<string> said)
    {
        var lines = said.Select(line => line.Split(' ', 2)).Where(parts => parts.Length == 2).ToLookup(parts => parts[0], parts => parts[1]);
        return new BackupResult(archivePath, Said("sha256"), int.Parse(Said("files"), System.Globalization.CultureInfo.InvariantCulture),
            long.Parse(Said("bytes"), System.Globalization.CultureInfo.InvariantCulture), [.. lines["skipped"]], [.. lines["partial"]], [.. lines["listed"]]);

        // The script says each once, after it read the archive back: without one, nothing says the archive is whole.
        string Said(string key) => lines[key].SingleOrDefault() ?? throw new InvalidDataException(
            $"{archivePath}: the backup script did not say the archive's {key}, so the backup is not known to be whole and the run stops. " +
            "Fix: run it again; if this repeats, look on that host for what stopped the script (disk full, the backup folder not writable).");
    }

    private static bool IsArchiveName(string path) =>
        Path.GetFileName(path) is var name && name.StartsWith("data-", StringComparison.Ordinal) && name.EndsWith(Extension, StringComparison.Ordinal);

    /// <summary>data-&lt;UTC time to the millisecond&gt;-&lt;label&gt;.tar.gz: names sort by time.</summary>
    public static string ArchiveName(string label, DateTime utcTime) => $"data-{utcTime:yyyyMMdd'T'HHmmss'.'fff'Z'}-{label}{Extension}";
}
