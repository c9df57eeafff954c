using System.Formats.Tar;
using System.IO.Compression;

namespace QtsOps.Core.Packaging;

/// <summary>One file of an archive: its path inside it (forward slashes), its bytes, and whether it is executable.</summary>
public sealed record ArchiveFile(string Path, byte[] Content, bool Executable);

/// <summary>
/// A .tar.gz whose bytes depend only on the files and one timestamp: entries sorted by path,
/// every mtime the given time, owner root (uid/gid 0), modes 0644/0755, and a gzip header
/// without file name or time, so that two builds of one commit are byte-identical.
/// </summary>
public static class ReproducibleTarGz
{
    public const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    public const UnixFileMode ExecutableMode = FileMode | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;

    /// <summary>The gzip header's OS byte: fixed to Unix, whatever platform compresses (zlib writes its own).</summary>
    private const byte UnixOperatingSystem = 3;

    public static byte[] Create(IEnumerable<ArchiveFile> files, DateTimeOffset modificationTime)
    {
        var tar = new MemoryStream();
        using (var writer = new TarWriter(tar, TarEntryFormat.Ustar, leaveOpen: true))
        {
            foreach (var (name, file) in Entries(files))
            {
                var entry = new UstarTarEntry(file is null ? TarEntryType.Directory : TarEntryType.RegularFile, name)
                {
                    ModificationTime = modificationTime,
                    Mode = file is { Executable: false } ? FileMode : ExecutableMode,
                    Uid = 0,
                    Gid = 0,
                    UserName = "root",
                    GroupName = "root",
                };
                if (file is not null) entry.DataStream = new MemoryStream(file.Content, writable: false);
                writer.WriteEntry(entry);
            }
        }

        var gzip = new MemoryStream();
        using (var compressor = new GZipStream(gzip, CompressionLevel.SmallestSize, leaveOpen: true))
            tar.WriteTo(compressor);
        var bytes = gzip.ToArray();
        NormaliseGzipHeader(bytes);
        return bytes;
    }

    /// <summary>The entries in archive order: every parent directory ("a/") before what it holds, all sorted by name.</summary>
    private static IEnumerable<(string Name, ArchiveFile? File)> Entries(IEnumerable<ArchiveFile> files)
    {
        var entries = new SortedDictionary<string, ArchiveFile?>(StringComparer.Ordinal);
        foreach (var file in files)
        {
            if (!entries.TryAdd(file.Path, file)) throw new ArgumentException($"'{file.Path}' is in the archive twice.");
            for (var slash = file.Path.IndexOf('/'); slash > 0; slash = file.Path.IndexOf('/', slash + 1))
                entries.TryAdd(file.Path[..(slash + 1)], null);
        }
        return entries.Select(e => (e.Key, e.Value));
    }

    /// <summary>
    /// GZipStream writes no name and a zero MTIME (checked here, so that a runtime that changes
    /// this fails loudly), but the OS byte depends on the platform: it is set to Unix.
    /// </summary>
    internal static void NormaliseGzipHeader(byte[] gzip)
    {
        const int flags = 3, mtime = 4, os = 9;
        if (gzip.Length < 10 || gzip[0] != 0x1f || gzip[1] != 0x8b || gzip[flags] != 0 || gzip.AsSpan(mtime, 4).ContainsAnyExcept((byte)0))
            throw new InvalidOperationException($"Unexpected gzip header {Convert.ToHexString(gzip.AsSpan(0, Math.Min(10, gzip.Length)))}: the archive would not be reproducible.");
        gzip[os] = UnixOperatingSystem;
    }
}
