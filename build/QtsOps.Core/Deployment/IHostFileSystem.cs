using System.Runtime.InteropServices;

namespace QtsOps.Core.Deployment;

/// <summary>
/// The file operations the release store and the history make on the host that runs the service:
/// this machine (<see cref="LocalFileSystem"/>) or a Docker host reached over SSH. Each operation is
/// one whole step (an atomic link switch, an append of a whole line), so a remote one is one round trip.
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

    /// <summary>Copies a directory of this machine to <paramref name="path"/> on the host, keeping file modes; <paramref name="path"/> must not exist.</summary>
    void CopyIn(string localDirectory, string path);

    /// <summary>Copies what a directory on the host holds into another there, which is created if need be.</summary>
    void CopyDirectory(string from, string to);

    /// <summary>Creates a directory and its parents, if they do not exist.</summary>
    void CreateDirectory(string path);

    /// <summary>Deletes a directory and everything under it, if it exists.</summary>
    void DeleteDirectory(string path);

    /// <summary>Renames a directory; the target must not exist.</summary>
    void MoveDirectory(string from, string to);

    /// <summary>Sets a directory's modification time to now.</summary>
    void Touch(string path);

    /// <summary>The directories directly under <paramref name="path"/> with their modification times; none when it does not exist.</summary>
    IReadOnlyList<(string Name, DateTime LastWriteUtc)> Directories(string path);

    /// <summary>A file's text, or null when there is no such file.</summary>
    string? ReadAllText(string path);

    /// <summary>Appends <paramref name="line"/> and a newline, on a line of its own also after a torn last line; creates the file and its folder.</summary>
    void AppendLine(string path, string line);
}

/// <summary>The file system of this machine.</summary>
public sealed class LocalFileSystem : IHostFileSystem
{
    public static readonly LocalFileSystem Instance = new();

    public string Combine(string directory, string name) => Path.Combine(directory, name);

    public bool DirectoryExists(string path) => Directory.Exists(path);

    public string? LinkTarget(string path) => new FileInfo(path).LinkTarget;

    public void ReplaceLink(string link, string target)
    {
        var next = link + ".next";
        if (File.Exists(next) || new FileInfo(next).LinkTarget is not null) File.Delete(next);
        File.CreateSymbolicLink(next, target);
        if (OperatingSystem.IsWindows())
        {
            if (new FileInfo(link).LinkTarget is not null) File.Delete(link);
            File.Move(next, link);
        }
        else if (rename(next, link) != 0)
            throw new IOException($"Could not point {link} at {target} (errno {Marshal.GetLastWin32Error()}).");
    }

    // File.Move follows a link to a directory and refuses it; rename(2) replaces the link itself, atomically.
    [DllImport("libc", SetLastError = true)]
    private static extern int rename(string oldPath, string newPath);

    public void CopyIn(string localDirectory, string path) => CopyDirectory(localDirectory, path);

    public void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var directory in Directory.EnumerateDirectories(from, "*", SearchOption.AllDirectories))
            Directory.CreateDirectory(Path.Combine(to, Path.GetRelativePath(from, directory)));
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var destination = Path.Combine(to, Path.GetRelativePath(from, file));
            File.Copy(file, destination);
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(destination, File.GetUnixFileMode(file));
        }
    }

    public void CreateDirectory(string path) => Directory.CreateDirectory(path);

    public void DeleteDirectory(string path)
    {
        if (Directory.Exists(path)) Directory.Delete(path, recursive: true);
    }

    public void MoveDirectory(string from, string to) => Directory.Move(from, to);

    public void Touch(string path) => Directory.SetLastWriteTimeUtc(path, DateTime.UtcNow);

    public IReadOnlyList<(string Name, DateTime LastWriteUtc)> Directories(string path) =>
        Directory.Exists(path) ? [.. new DirectoryInfo(path).EnumerateDirectories().Select(d => (d.Name, d.LastWriteTimeUtc))] : [];

    public string? ReadAllText(string path) => File.Exists(path) ? File.ReadAllText(path) : null;

    public void AppendLine(string path, string line)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var file = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read);
        var tornLastLine = file.Length > 0 && ReadLastByte(file) != '\n';
        file.Seek(0, SeekOrigin.End);
        file.Write(System.Text.Encoding.UTF8.GetBytes((tornLastLine ? "\n" : "") + line + "\n"));
    }

    private static int ReadLastByte(FileStream file)
    {
        file.Seek(-1, SeekOrigin.End);
        return file.ReadByte();
    }
}
