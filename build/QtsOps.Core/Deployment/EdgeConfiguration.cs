using System.Security.Cryptography;
using System.Text;

namespace QtsOps.Core.Deployment;

/// <summary>
/// nginx's files of the edge on the host: &lt;edge folder&gt;/conf (<see cref="SlotLayout.ConfigFolder"/>) is a
/// link to a folder named by its content, conf-&lt;digest&gt;. A new configuration is written whole into
/// its own folder, then the link is replaced by a rename, so a run killed at any step leaves conf/
/// (and the active link through it) pointing at a whole configuration.
/// </summary>
public static class EdgeConfiguration
{
    private const string VersionPrefix = SlotLayout.ConfigFolder + "-";
    private const string Staging = "." + SlotLayout.ConfigFolder + ".partial";

    /// <summary>Makes <paramref name="wanted"/> (name to text) the configuration, unless it is that already; says whether it changed it.</summary>
    public static bool Write(IHostFileSystem files, string edgeFolder, IReadOnlyDictionary<string, string> wanted)
    {
        var link = files.Combine(edgeFolder, SlotLayout.ConfigFolder);
        var version = VersionPrefix + Digest(wanted);
        if (files.LinkTarget(link) == version) return false;
        var folder = files.Combine(edgeFolder, version);
        if (!files.DirectoryExists(folder))
        {
            var local = Directory.CreateTempSubdirectory("qtsops-edge-");
            try
            {
                foreach (var (name, text) in wanted) File.WriteAllText(Path.Combine(local.FullName, name), text);
                files.PutDirectory(local.FullName, folder, files.Combine(edgeFolder, Staging));
            }
            finally
            {
                local.Delete(recursive: true);
            }
        }
        // conf/ as a real folder (written before the link): a link cannot be renamed over it, so it is moved aside first, once.
        if (files.LinkTarget(link) is null && files.DirectoryExists(link)) files.MoveDirectory(link, files.Combine(edgeFolder, VersionPrefix + "before-link"));
        files.ReplaceLink(link, version);
        foreach (var (name, _) in files.Directories(edgeFolder))
            if (name != version && name.StartsWith(VersionPrefix, StringComparison.Ordinal)) files.DeleteDirectory(files.Combine(edgeFolder, name));
        return true;
    }

    private static string Digest(IReadOnlyDictionary<string, string> files) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Concat(files.OrderBy(file => file.Key, StringComparer.Ordinal).Select(file => $"{file.Key}\0{file.Value}\0")))))[..16];
}
