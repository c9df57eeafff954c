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
    /// <param name="current">The conf link's target as the step read it with the host's state (<see cref="HostState.EdgeConfigTarget"/>): not asked again.</param>
    public static bool Write(IHostFileSystem files, string edgeFolder, IReadOnlyDictionary<string, string> wanted, string? current)
    {
        var link = files.Combine(edgeFolder, SlotLayout.ConfigFolder);
        var version = Version(wanted);
        if (current == version) return false;
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
        if (current is null && files.DirectoryExists(link)) files.MoveDirectory(link, files.Combine(edgeFolder, VersionPrefix + "before-link"));
        files.ReplaceLink(link, version);
        foreach (var (name, _) in files.Directories(edgeFolder))
            if (name != version && name.StartsWith(VersionPrefix, StringComparison.Ordinal)) files.DeleteDirectory(files.Combine(edgeFolder, name));
        return true;
    }

    /// <summary>The conf link's target for <paramref name="wanted"/>: the folder named by its content.</summary>
    public static string Version(IReadOnlyDictionary<string, string> wanted) => VersionPrefix + Digest(wanted);

    private static string Digest(IReadOnlyDictionary<string, string> files) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Concat(files.OrderBy(file => file.Key, StringComparer.Ordinal).Select(file => $"{file.Key}\0{file.Value}\0")))))[..16];
}
