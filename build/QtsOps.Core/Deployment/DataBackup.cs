using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;

namespace QtsOps.Core.Deployment;

/// <summary>A backup archive, checked after it was written.</summary>
/// <param name="Skipped">Entries left out, each with why: FIFOs, sockets and devices are no data (and reading a FIFO blocks).</param>
/// <param name="RemovedPartials">Unfinished archives an earlier, killed run left, removed before this one.</param>
public sealed record BackupResult(string ArchivePath, string Sha256, int Files, long Bytes, IReadOnlyList<string> Skipped, IReadOnlyList<string> RemovedPartials);

/// <summary>
/// Backs up the data directory before a deploy: a tar.gz beside a .sha256 file, read back and
/// checked (digest and the files inside), keeping the newest N. The data directory is writable by
/// the container, so nothing in it is trusted: links are stored as links (never followed, so a link
/// to a host file cannot copy that file out), special files are skipped, and the archive is the
/// owner's only (0600) from the moment it is created.
/// </summary>
public static class DataBackup
{
    public const string Extension = ".tar.gz";

    /// <summary>
    /// The observer's health probe (.health-probe; earlier releases made and removed a .health-XXXX file on
    /// every request): no data, left out of every backup, here and on a Docker host (a shell pattern).
    /// </summary>
    public const string ProbeFiles = ".health-*";
    private const string PartialSuffix = ".partial";
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    public static BackupResult Create(string dataDirectory, string backupDirectory, string label, DateTimeOffset now)
    {
        CreateOwnerOnlyDirectory(backupDirectory);
        var removedPartials = RemovePartials(backupDirectory);
        var archive = NewArchivePath(backupDirectory, label, now);
        var partial = archive + PartialSuffix;
        var expected = new List<(string Name, long Length)>();
        var skipped = new List<string>();
        try
        {
            using (var file = CreateOwnerOnly(partial))
            using (var gzip = new GZipStream(file, CompressionLevel.Fastest))
            using (var tar = new TarWriter(gzip, TarEntryFormat.Pax))
            {
                // The root entry keeps an archive of an empty directory a valid tar (TarWriter writes nothing otherwise).
                tar.WriteEntry(new PaxTarEntry(TarEntryType.Directory, "./"));
                if (Directory.Exists(dataDirectory))
                    WriteTree(tar, dataDirectory, dataDirectory, expected, skipped);
            }
            File.Move(partial, archive); // never over an existing backup
        }
        finally
        {
            File.Delete(partial);
        }
        var digest = Sha256Of(archive);
        using (var sum = new StreamWriter(CreateOwnerOnly(archive + ".sha256")))
            sum.Write($"{digest}  {Path.GetFileName(archive)}\n");
        var result = Verify(archive);
        foreach (var (entryName, length) in expected)
            if (!result.Entries.TryGetValue(entryName, out var archived) || archived != length)
                throw new InvalidDataException($"Backup {archive} is incomplete: {entryName} holds {archived} bytes, expected {length}.");
        return new BackupResult(archive, digest, expected.Count, new FileInfo(archive).Length, skipped, removedPartials);
    }

    /// <summary>
    /// Writes a directory's entries in name order, recursing into real directories only. Each path's
    /// type is read without following it; a regular file is then opened and must still be the file
    /// that was looked at (the container may swap it for a link in between).
    /// </summary>
    private static void WriteTree(TarWriter tar, string root, string directory, List<(string Name, long Length)> expected, List<string> skipped)
    {
        foreach (var path in Directory.EnumerateFileSystemEntries(directory).Order(StringComparer.Ordinal))
        {
            if (IsProbeFile(path)) continue;
            var entryName = Path.GetRelativePath(root, path).Replace('\\', '/');
            var identity = FileKinds.Of(path);
            switch (identity.Kind)
            {
                case FileKind.SymbolicLink:
                    tar.WriteEntry(new PaxTarEntry(TarEntryType.SymbolicLink, entryName) { LinkName = new FileInfo(path).LinkTarget!, ModificationTime = File.GetLastWriteTimeUtc(path) });
                    break;
                case FileKind.Directory:
                    tar.WriteEntry(new PaxTarEntry(TarEntryType.Directory, entryName + "/") { Mode = ModeOf(path), ModificationTime = Directory.GetLastWriteTimeUtc(path) });
                    WriteTree(tar, root, path, expected, skipped);
                    break;
                case FileKind.Regular:
                    using (var snapshot = Snapshot(path, identity))
                    {
                        tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, entryName)
                        {
                            DataStream = snapshot, Mode = ModeOf(path), ModificationTime = File.GetLastWriteTimeUtc(path),
                        });
                        expected.Add((entryName, snapshot.Length));
                    }
                    break;
                default:
                    skipped.Add($"{entryName} ({identity.Kind}: not data)");
                    break;
            }
        }
    }

    private static bool IsProbeFile(string path) => Path.GetFileName(path).StartsWith(ProbeFiles.TrimEnd('*'), StringComparison.Ordinal);

    private static UnixFileMode ModeOf(string path) =>
        OperatingSystem.IsWindows() ? OwnerOnly | UnixFileMode.GroupRead | UnixFileMode.OtherRead : File.GetUnixFileMode(path);

    /// <summary>Removes the .partial archives of runs that were killed while writing one (a run under the deploy lock writes one at a time).</summary>
    private static List<string> RemovePartials(string backupDirectory)
    {
        var partials = Directory.EnumerateFiles(backupDirectory, "data-*" + Extension + PartialSuffix).Order(StringComparer.Ordinal).ToList();
        foreach (var partial in partials) File.Delete(partial);
        return partials;
    }

    private static void CreateOwnerOnlyDirectory(string directory)
    {
        if (Directory.Exists(directory)) return;
        if (OperatingSystem.IsWindows()) Directory.CreateDirectory(directory);
        else Directory.CreateDirectory(directory, OwnerOnly | UnixFileMode.UserExecute);
    }

    /// <summary>A new file readable by its owner only from its creation, not chmod-ed afterwards.</summary>
    private static FileStream CreateOwnerOnly(string path)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = OwnerOnly;
        return new FileStream(path, options);
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

    /// <summary>
    /// Checks a backup (<see cref="Verify"/>), then unpacks it into <paramref name="destination"/>, a
    /// directory that must not exist yet. Entries are made as what they are (links as links), and
    /// never through a link: a name that leaves the directory or passes through a link is refused.
    /// </summary>
    /// <returns>The archive's checked SHA-256 and how many files were restored.</returns>
    public static (string Sha256, int Files) Extract(string archive, string destination)
    {
        var (sha256, _) = Verify(archive);
        if (Path.Exists(destination) || new FileInfo(destination).LinkTarget is not null)
            throw new IOException($"{destination} exists already: a backup is only unpacked into a new directory.");
        var root = Path.GetFullPath(destination);
        Directory.CreateDirectory(root);
        var files = 0;
        using var file = File.OpenRead(archive);
        using var gzip = new GZipStream(file, CompressionMode.Decompress);
        using var tar = new TarReader(gzip);
        while (tar.GetNextEntry() is { } entry)
        {
            var target = InsideOf(root, entry.Name, archive);
            if (target == root) continue;
            var mode = entry.Mode & (UnixFileMode)0x1FF; // permissions only, never setuid or setgid
            switch (entry.EntryType)
            {
                case TarEntryType.Directory:
                    if (OperatingSystem.IsWindows()) Directory.CreateDirectory(target);
                    else Directory.CreateDirectory(target, mode);
                    break;
                case TarEntryType.RegularFile or TarEntryType.V7RegularFile:
                    var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write }; // CreateNew: never through a link
                    if (!OperatingSystem.IsWindows()) options.UnixCreateMode = mode;
                    using (var restored = new FileStream(target, options)) entry.DataStream?.CopyTo(restored);
                    File.SetLastWriteTimeUtc(target, entry.ModificationTime.UtcDateTime);
                    files++;
                    break;
                case TarEntryType.SymbolicLink:
                    File.CreateSymbolicLink(target, entry.LinkName);
                    break;
                default:
                    throw new InvalidDataException($"Backup {archive} holds {entry.Name}, a {entry.EntryType} entry, which no backup writes: not restored. Fix: pick another backup (--backup=NAME).");
            }
        }
        return (sha256, files);
    }

    /// <summary>Where an entry goes: inside <paramref name="root"/>, below real directories only (parents are created).</summary>
    private static string InsideOf(string root, string name, string archive)
    {
        var target = Path.GetFullPath(Path.Combine(root, name)).TrimEnd(Path.DirectorySeparatorChar);
        if (target != root && !target.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            throw new InvalidDataException($"Backup {archive} holds {name}, which points outside the data directory: not restored. Fix: pick another backup (--backup=NAME).");
        for (var parent = Path.GetDirectoryName(target)!; parent.Length > root.Length; parent = Path.GetDirectoryName(parent)!)
            if (new FileInfo(parent).LinkTarget is not null || File.Exists(parent))
                throw new InvalidDataException($"Backup {archive} holds {name}, below {Path.GetRelativePath(root, parent)}, which is a link or a file: not restored. Fix: pick another backup (--backup=NAME).");
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        return target;
    }

    /// <summary>The backups in <paramref name="backupDirectory"/>, newest first (their names sort by time).</summary>
    public static IReadOnlyList<string> Newest(string backupDirectory) =>
        Directory.Exists(backupDirectory) ? NewestFirst(Directory.EnumerateFiles(backupDirectory)) : [];

    /// <summary>The backup archives among <paramref name="paths"/> (a folder's listing, here or on a Docker host), newest first.</summary>
    public static IReadOnlyList<string> NewestFirst(IEnumerable<string> paths) =>
        [.. paths.Where(IsArchiveName).OrderByDescending(Path.GetFileName, StringComparer.Ordinal)];

    private static bool IsArchiveName(string path) =>
        Path.GetFileName(path) is var name && name.StartsWith("data-", StringComparison.Ordinal) && name.EndsWith(Extension, StringComparison.Ordinal);

    /// <summary>Removes all but the newest <paramref name="keep"/> backups; returns the removed archives.</summary>
    public static IReadOnlyList<string> Prune(string backupDirectory, int keep)
    {
        var removed = Newest(backupDirectory).Skip(keep).ToList();
        foreach (var archive in removed)
        {
            File.Delete(archive);
            File.Delete(archive + ".sha256");
        }
        return removed;
    }

    /// <summary>data-&lt;UTC time to the millisecond&gt;-&lt;label&gt;.tar.gz: names sort by time.</summary>
    public static string ArchiveName(string label, DateTime utcTime) => $"data-{utcTime:yyyyMMdd'T'HHmmss'.'fff'Z'}-{label}{Extension}";

    /// <summary>
    /// data-&lt;UTC time to the millisecond&gt;-&lt;label&gt;.tar.gz, a name no backup has yet: two deploys in the
    /// same millisecond take the next free one. Names sort by time, which pruning relies on.
    /// </summary>
    private static string NewArchivePath(string backupDirectory, string label, DateTimeOffset now)
    {
        for (var time = now.UtcDateTime; ; time = time.AddMilliseconds(1))
        {
            var archive = Path.Combine(backupDirectory, ArchiveName(label, time));
            if (!File.Exists(archive) && !File.Exists(archive + ".sha256")) return archive;
        }
    }

    /// <summary>
    /// The file as it is now, up to its last complete line, read as the archive is written (files
    /// may be larger than memory): the service appends records while the backup runs, and a header
    /// written before a record was appended would not match the data.
    /// </summary>
    private static Stream Snapshot(string path, FileIdentity looked)
    {
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        try
        {
            if (FileKinds.Of(stream.SafeFileHandle, path) != looked)
                throw new IOException($"{path} was replaced while it was backed up (by a link or another file); nothing was backed up. Run the deploy again, and check what writes to the data directory.");
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
