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
        var archive = NewArchivePath(backupDirectory, label, now);
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
                        using var snapshot = Snapshot(path);
                        tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, entryName)
                        {
                            DataStream = snapshot,
                            Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead,
                            ModificationTime = File.GetLastWriteTimeUtc(path),
                        });
                        expected.Add((entryName, snapshot.Length));
                    }
            }
            File.Move(partial, archive); // never over an existing backup
        }
        finally
        {
            File.Delete(partial);
        }
        var digest = Sha256Of(archive);
        using (var sum = new StreamWriter(new FileStream(archive + ".sha256", FileMode.CreateNew)))
            sum.Write($"{digest}  {Path.GetFileName(archive)}\n");
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
    /// data-&lt;UTC time to the millisecond&gt;-&lt;label&gt;.tar.gz, a name no backup has yet: two deploys in the
    /// same millisecond take the next free one. Names sort by time, which pruning relies on.
    /// </summary>
    private static string NewArchivePath(string backupDirectory, string label, DateTimeOffset now)
    {
        for (var time = now.UtcDateTime; ; time = time.AddMilliseconds(1))
        {
            var archive = Path.Combine(backupDirectory, $"data-{time:yyyyMMdd'T'HHmmss'.'fff'Z'}-{label}{Extension}");
            if (!File.Exists(archive) && !File.Exists(archive + ".sha256")) return archive;
        }
    }

    /// <summary>
    /// The file as it is now, up to its last complete line, read as the archive is written (files
    /// may be larger than memory): the service appends records while the backup runs, and a header
    /// written before a record was appended would not match the data.
    /// </summary>
    private static Stream Snapshot(string path)
    {
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        try
        {
            var length = stream.Length;
            var end = LastLineEnd(stream, length);
            stream.Position = 0;
            return new PrefixStream(stream, end > 0 ? end : length);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>The offset just after the last '\n' before <paramref name="length"/>, or 0 when there is none; reads backwards from the end.</summary>
    private static long LastLineEnd(Stream stream, long length)
    {
        var buffer = new byte[64 * 1024];
        for (var end = length; end > 0;)
        {
            var start = Math.Max(0, end - buffer.Length);
            stream.Position = start;
            var chunk = buffer.AsSpan(0, (int)(end - start));
            stream.ReadExactly(chunk);
            var newline = chunk.LastIndexOf((byte)'\n');
            if (newline >= 0) return start + newline + 1;
            end = start;
        }
        return 0;
    }

    /// <summary>The first <see cref="Length"/> bytes of a file, seekable so that TarWriter can read the size up front.</summary>
    private sealed class PrefixStream(FileStream file, long length) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => true;
        public override bool CanWrite => false;
        public override long Length => length;

        public override long Position
        {
            get => file.Position;
            set => file.Position = Math.Clamp(value, 0, length);
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var wanted = (int)Math.Min(buffer.Length, length - file.Position);
            if (wanted <= 0) return 0;
            var read = file.Read(buffer[..wanted]);
            if (read == 0) throw new IOException($"{file.Name} shrank while it was backed up (expected {length} bytes); run the deploy again.");
            return read;
        }

        public override long Seek(long offset, SeekOrigin origin) => Position = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => Position + offset,
            _ => length + offset,
        };

        public override void Flush() { }
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing) file.Dispose();
            base.Dispose(disposing);
        }
    }

    private static string Sha256Of(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
