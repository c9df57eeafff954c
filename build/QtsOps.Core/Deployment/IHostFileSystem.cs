namespace QtsOps.Core.Deployment;

/// <summary>
/// The file operations the release store and the history make on the host that runs the service:
/// this machine or a Docker host reached over SSH, through the same host scripts. Each operation is one
/// whole step (an atomic link switch, an append of a whole line), so each is one round trip.
/// </summary>
public interface IHostFileSystem
{
    /// <summary>A path below <paramref name="directory"/>, in the host's form (a remote host's are POSIX paths whatever this machine is).</summary>
    string Combine(string directory, string name);

    bool DirectoryExists(string path);

    /// <summary>The target a symbolic link points at, as written; null when the path is no link.</summary>
    string? LinkTarget(string path);

    /// <summary>Points <paramref name="link"/> at <paramref name="target"/> atomically (a new link renamed over the old one).</summary>
    void ReplaceLink(string link, string target);

    /// <summary>
    /// Copies a directory of this machine, file modes kept, in place of <paramref name="path"/> on the host (what it held is removed), in one step: written
    /// whole into <paramref name="staging"/> (emptied first) and renamed; its modification time is then the copy's.
    /// </summary>
    void PutDirectory(string localDirectory, string path, string staging);

    /// <summary>Copies what a directory on the host holds into another there, which is created if need be.</summary>
    void CopyDirectory(string from, string to);

    /// <summary>Creates a directory and its parents, if they do not exist.</summary>
    void CreateDirectory(string path);

    /// <summary>Deletes a directory and everything under it, if it exists.</summary>
    void DeleteDirectory(string path);

    /// <summary>Renames a directory; the target must not exist.</summary>
    void MoveDirectory(string from, string to);

    /// <summary>The directories directly under <paramref name="path"/> with their modification times; none when it does not exist.</summary>
    IReadOnlyList<(string Name, DateTime LastWriteUtc)> Directories(string path);

    /// <summary>A file's text, or null when there is no such file.</summary>
    string? ReadAllText(string path);

    /// <summary>Appends <paramref name="line"/> and a newline, on a line of its own also after a torn last line; creates the file and its folder.</summary>
    void AppendLine(string path, string line);
}
