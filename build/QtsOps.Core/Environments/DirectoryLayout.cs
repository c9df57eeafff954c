using QtsOps.Core.Deployment;

namespace QtsOps.Core.Environments;

/// <summary>A directory setting that overlaps another: the key to change, what is wrong and how to fix it.</summary>
public sealed record DirectoryOverlap(string Key, string Message, string Fix);

/// <summary>
/// The directories of one environment kept apart. Release pruning deletes under releases/, a backup
/// archives the data directory, restore moves it aside, and the container writes data and logs, so:
/// none of data, logs, config and backups is under the deploy directory's releases/ (or current);
/// none of them is inside another (a backup directory inside the data would be archived into each
/// backup and writable by the container); and the deploy directory is inside none of them. Data,
/// logs and config may sit directly in the deploy directory (deployDirectory/data), as releases share them.
/// </summary>
public static class DirectoryLayout
{
    /// <summary>The directories besides the deploy directory, each by its key.</summary>
    internal static readonly (string Key, Func<DeploymentEnvironment, string> Path)[] Shared =
    [
        ("dataDirectory", e => e.DataDirectory),
        ("logDirectory", e => e.LogDirectory),
        ("configDirectory", e => e.ConfigDirectory),
        ("backupDirectory", e => e.BackupDirectory),
    ];

    /// <summary>Every overlap, each reported on the key that has to move.</summary>
    public static IReadOnlyList<DirectoryOverlap> Overlaps(DeploymentEnvironment environment)
    {
        var overlaps = new List<DirectoryOverlap>();
        var deploy = Segments(environment.DeployDirectory);
        var shared = Shared.Select(d => (d.Key, Written: d.Path(environment), Segments: Segments(d.Path(environment)))).ToList();
        foreach (var (key, written, segments) in shared)
        foreach (var managed in new[] { ReleaseStore.ReleasesFolder, ReleaseStore.CurrentLinkName })
            if (IsInside(segments, [.. deploy, managed]))
                overlaps.Add(new DirectoryOverlap(key, $"'{written}' is under the deploy directory's {managed}/, which holds the releases: pruning old releases would delete it",
                    $"move it out of {managed}/, e.g. \"{environment.DeployDirectory.TrimEnd('/', '\\')}/{Leaf(key)}\""));
        for (var i = 0; i < shared.Count; i++)
        for (var j = 0; j < shared.Count; j++)
        {
            // Equal paths are reported once, on the later key; otherwise on the inner one.
            if (i == j || !IsInside(shared[i].Segments, shared[j].Segments) || (shared[i].Segments.Length == shared[j].Segments.Length && i < j)) continue;
            var same = shared[i].Segments.Length == shared[j].Segments.Length;
            overlaps.Add(new DirectoryOverlap(shared[i].Key,
                $"'{shared[i].Written}' is {(same ? "the same directory as" : "inside")} {shared[j].Key} '{shared[j].Written}': {Why(shared[i].Key, shared[j].Key)}",
                $"give {shared[i].Key} a directory of its own, outside {shared[j].Key}"));
        }
        foreach (var (key, written, segments) in shared.Where(d => IsInside(deploy, d.Segments)))
            overlaps.Add(new DirectoryOverlap("deployDirectory",
                $"'{environment.DeployDirectory}' is {(deploy.Length == segments.Length ? "the same directory as" : "inside")} {key} '{written}': the releases would be mixed with what the service and the backups keep there",
                $"move the deploy directory out of {key} (the other way round is fine: {key} may be \"{environment.DeployDirectory.TrimEnd('/', '\\')}/{Leaf(key)}\")"));
        return overlaps;
    }

    private static string Why(string inner, string outer) => (inner, outer) switch
    {
        ("backupDirectory", "dataDirectory") => "each backup would archive the earlier backups, and the container could change them",
        ("dataDirectory", "backupDirectory") => "backup pruning would delete the data, and a restore would move the backups aside with it",
        (_, "dataDirectory") => "backups would archive it with the data, and a restore would move it aside",
        ("dataDirectory", _) => "a restore moves the data directory aside, so it cannot live in another one",
        _ => "each directory must hold one kind of file",
    };

    private static string Leaf(string key) => key switch
    {
        "dataDirectory" => "data",
        "logDirectory" => "logs",
        "configDirectory" => "config",
        _ => "backups",
    };

    private static bool IsInside(string[] path, string[] directory) =>
        path.Length >= directory.Length && directory.Select((segment, i) => segment == path[i]).All(same => same);

    /// <summary>
    /// A path's segments, lexically normalized ('.' and '..' resolved, '\' as '/'). Relative paths
    /// (relative to the repository root) start with a marker, so they compare with each other only;
    /// the paths of a remote host are never read from this machine.
    /// </summary>
    private static string[] Segments(string path)
    {
        var normalized = path.Replace('\\', '/');
        var segments = new List<string> { normalized.StartsWith('/') ? "/" : "<repository>" };
        foreach (var segment in normalized.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (segment == ".") continue;
            if (segment == ".." && segments.Count > 1 && segments[^1] != "..") segments.RemoveAt(segments.Count - 1);
            else if (segment != ".." || segments[0] != "/") segments.Add(segment); // "/.." is "/"; a relative path may start above the root
        }
        return [.. segments];
    }
}
