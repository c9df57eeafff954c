using System.Formats.Tar;
using QtsOps.Core.Deployment;

namespace QtsOps.Tests.Support;

/// <summary>
/// A Docker host's file system as <see cref="IHostFileSystem"/> presents it, kept in a local folder:
/// host paths (POSIX, under <see cref="Root"/>) are files under <c>disk</c>. <see cref="Root"/> is under
/// /proc, where nothing can be created, so code that wrongly used this machine's file system fails.
/// </summary>
internal sealed class HostFolder(string disk) : IHostFileSystem
{
    public const string Root = "/proc/qtsops-test-docker-host";

    private string Local(string path) => path == Root || path.StartsWith(Root + "/", StringComparison.Ordinal)
        ? disk + path[Root.Length..]
        : throw new ArgumentException($"{path} is no path on the Docker host");

    public string Combine(string directory, string name) => directory + "/" + name;
    public bool DirectoryExists(string path) => LocalFileSystem.Instance.DirectoryExists(Local(path));
    public string? LinkTarget(string path) => LocalFileSystem.Instance.LinkTarget(Local(path));
    public void ReplaceLink(string link, string target) => LocalFileSystem.Instance.ReplaceLink(Local(link), target);
    public void CopyIn(string localDirectory, string path) => LocalFileSystem.Instance.CopyDirectory(localDirectory, Local(path));
    public void CopyDirectory(string from, string to) => LocalFileSystem.Instance.CopyDirectory(Local(from), Local(to));
    public void CreateDirectory(string path) => LocalFileSystem.Instance.CreateDirectory(Local(path));
    public void DeleteDirectory(string path) => LocalFileSystem.Instance.DeleteDirectory(Local(path));
    public void MoveDirectory(string from, string to) => LocalFileSystem.Instance.MoveDirectory(Local(from), Local(to));
    public void Touch(string path) => LocalFileSystem.Instance.Touch(Local(path));
    public IReadOnlyList<(string Name, DateTime LastWriteUtc)> Directories(string path) => LocalFileSystem.Instance.Directories(Local(path));
    public string? ReadAllText(string path) => LocalFileSystem.Instance.ReadAllText(Local(path));
    public void AppendLine(string path, string line) => LocalFileSystem.Instance.AppendLine(Local(path), line);
}
