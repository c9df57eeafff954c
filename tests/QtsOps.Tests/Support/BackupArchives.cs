using System.Formats.Tar;

namespace QtsOps.Tests.Support;

/// <summary>Backup archives made by hand, for the archives no backup writes.</summary>
internal static class BackupArchives
{
    /// <summary>An archive of exactly <paramref name="entries"/> with its matching .sha256, as no backup writes it (a damaged or foreign one).</summary>
    public static string Write(string archive, params TarEntry[] entries)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(archive)!);
        using (var file = File.Create(archive))
        using (var gzip = new System.IO.Compression.GZipStream(file, System.IO.Compression.CompressionLevel.Fastest))
        using (var tar = new TarWriter(gzip, TarEntryFormat.Pax))
            foreach (var entry in entries) tar.WriteEntry(entry);
        using (var stream = File.OpenRead(archive))
            File.WriteAllText(archive + ".sha256", Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(stream)) + "  x\n");
        return archive;
    }
}
