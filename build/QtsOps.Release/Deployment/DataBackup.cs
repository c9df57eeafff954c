using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;

namespace QtsOps.Release.Deployment;

/// <summary>A backup archive, checked after it was written.</summary>
public sealed record BackupResult(string ArchivePath, string Sha256, int Files, long Bytes);

/// <summary>
/// Backs up the data directory before a deploy: a tar.gz beside a .sha256 file, read back and
/// checked (digest and the files inside), keeping the newest N.
/// </summary>
public static class DataBackup
{
    public const string Extension = ".tar.gz";

    public static BackupResult Create(string dataDirectory, string backupDirectory, string label, DateTimeOffset now)
    {
        Directory.CreateDirectory(backupDirectory);
        var name = $"data-{now.UtcDateTime:yyyyMMdd'T'HHmmss'Z'}-{label}";
        var archive = Path.Combine(backupDirectory, name + Extension);
        var partial = archive + ".partial";
        var expected = new List<(string Name, long Length)>();
        try
        {
            using (var file = File.Create(partial))
            using (var gzip = new GZipStream(file, CompressionLevel.Fastest))
            using (var tar = new TarWriter(gzip, TarEntryFormat.Pax))
            {
                // The root entry keeps an archive of an empty directory a valid tar (TarWriter writes nothing otherwise).
                tar.WriteEntry(new PaxTarEntry(TarEntryType.Directory, "./"));
                if (Directory.Exists(dataDirectory))
                    foreach (var path in Directory.EnumerateFiles(dataDirectory, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
                    {
                        var entryName = Path.GetRelativePath(dataDirectory, path).Replace('\\', '/');
                        var snapshot = Snapshot(path);
                        tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, entryName)
                        {
                            DataStream = snapshot,
                            Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead,
                            ModificationTime = File.GetLastWriteTimeUtc(path),
                        });
                        expected.Add((entryName, snapshot.Length));
                    }
            }
            File.Move(partial, archive);
        }
        finally
        {
            File.Delete(partial);
        }
        var digest = Sha256Of(archive);
        File.WriteAllText(archive + ".sha256", $"{digest}  {Path.GetFileName(archive)}\n");
        var result = Verify(archive);
        foreach (var (entryName, length) in expected)
            if (!result.Entries.TryGetValue(entryName, out var archived) || archived != length)
                throw new InvalidDataException($"Backup {archive} is incomplete: {entryName} holds {archived} bytes, expected {length}.");
        return new BackupResult(archive, digest, result.Entries.Count, new FileInfo(archive).Length);
    }

    /// <summary>Reads a backup back: the digest must match its .sha256 file and every entry must decompress.</summary>
    public static (string Sha256, IReadOnlyDictionary<string, long> Entries) Verify(string archive)
    {
        var sumFile = archive + ".sha256";
        if (!File.Exists(sumFile)) throw new InvalidDataException($"Backup {archive} has no {Path.GetFileName(sumFile)}.");
        var recorded = File.ReadAllText(sumFile).Split(' ', 2)[0].Trim();
        var actual = Sha256Of(archive);
        if (!string.Equals(recorded, actual, StringComparison.OrdinalIgnoreCase))
            throw new InvalidDataException($"Backup {archive} is damaged: SHA-256 {actual}, but {Path.GetFileName(sumFile)} says {recorded}.");

        var entries = new Dictionary<string, long>(StringComparer.Ordinal);
        using var file = File.OpenRead(archive);
        using var gzip = new GZipStream(file, CompressionMode.Decompress);
        using var tar = new TarReader(gzip);
        while (tar.GetNextEntry() is { } entry)
        {
            long length = 0;
            if (entry.DataStream is { } data)
            {
                var buffer = new byte[81920];
                int read;
                while ((read = data.Read(buffer)) > 0) length += read;
            }
            if (entry.EntryType != TarEntryType.Directory) entries[entry.Name] = length;
        }
        return (actual, entries);
    }

    /// <summary>Removes all but the newest <paramref name="keep"/> backups; returns the removed archives.</summary>
    public static IReadOnlyList<string> Prune(string backupDirectory, int keep)
    {
        if (!Directory.Exists(backupDirectory)) return [];
        var removed = Directory.EnumerateFiles(backupDirectory, "data-*" + Extension)
            .OrderByDescending(Path.GetFileName, StringComparer.Ordinal)
            .Skip(keep)
            .ToList();
        foreach (var archive in removed)
        {
            File.Delete(archive);
            File.Delete(archive + ".sha256");
        }
        return removed;
    }

    /// <summary>
    /// The file as it is now, up to its last complete line: the service appends records while the
    /// backup runs, and a header written before a record was appended would not match the data.
    /// </summary>
    private static MemoryStream Snapshot(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        var length = stream.Length;
        var bytes = new byte[length];
        stream.ReadExactly(bytes);
        var end = Array.LastIndexOf(bytes, (byte)'\n') + 1;
        return new MemoryStream(bytes, 0, end > 0 ? end : bytes.Length, writable: false);
    }

    private static string Sha256Of(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
