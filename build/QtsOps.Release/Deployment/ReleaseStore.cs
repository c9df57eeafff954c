using System.Runtime.InteropServices;

namespace QtsOps.Release.Deployment;

/// <summary>
/// An environment's deploy directory: releases/&lt;version&gt;/ holds each installed package, and the
/// symlink <c>current</c> points at the one that runs. Data, logs and config live outside releases/,
/// so every release shares them and removing a release never touches them.
/// </summary>
public sealed class ReleaseStore(string deployDirectory)
{
    public string DeployDirectory { get; } = deployDirectory;
    public const string ReleasesFolder = "releases";
    public const string CurrentLinkName = "current";

    public string ReleasesDirectory => Path.Combine(DeployDirectory, ReleasesFolder);
    private string CurrentLink => Path.Combine(DeployDirectory, CurrentLinkName);

    public string PathOf(string release) => Path.Combine(ReleasesDirectory, release);

    /// <summary>
    /// Whether <paramref name="release"/> is the name of an installed release: one of <see cref="Installed"/>,
    /// so a path (absolute, or with ../) never names a directory outside releases/.
    /// </summary>
    public bool IsInstalled(string release) => Installed.Contains(release, StringComparer.Ordinal);

    /// <summary>The installed releases, newest install first (a half-copied .partial one is not a release).</summary>
    public IReadOnlyList<string> Installed => Directory.Exists(ReleasesDirectory)
        ? [.. new DirectoryInfo(ReleasesDirectory).EnumerateDirectories()
            .Where(d => !d.Name.StartsWith('.'))
            .OrderByDescending(d => d.LastWriteTimeUtc).ThenByDescending(d => d.Name, StringComparer.Ordinal)
            .Select(d => d.Name)]
        : [];

    /// <summary>Why <paramref name="release"/> cannot be put back, naming the releases that can.</summary>
    public string NotInstalled(string release) =>
        $"'{release}' is not a release installed under {ReleasesDirectory} (installed, newest first: {(Installed.Count == 0 ? "none" : string.Join(", ", Installed))})";

    /// <summary>The release <c>current</c> points at, or null before the first deploy.</summary>
    public string? Current =>
        new FileInfo(CurrentLink).LinkTarget is { } target ? Path.GetFileName(target.TrimEnd('/', '\\')) : null;

    /// <summary>Copies a package into releases/&lt;release&gt;/ (replacing an earlier copy of the same release) without switching to it.</summary>
    public string Install(string packageDirectory, string release)
    {
        if (!Directory.Exists(packageDirectory)) throw new DirectoryNotFoundException($"Package directory {packageDirectory} does not exist.");
        Directory.CreateDirectory(ReleasesDirectory);
        var target = PathOf(release);
        var staging = Path.Combine(ReleasesDirectory, $".{release}.partial");
        if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
        CopyDirectory(packageDirectory, staging);
        if (Directory.Exists(target)) Directory.Delete(target, recursive: true);
        Directory.Move(staging, target);
        // The folder's time is its install time: pruning removes the oldest installs first.
        Directory.SetLastWriteTimeUtc(target, DateTime.UtcNow);
        return target;
    }

    /// <summary>Points <c>current</c> at a release, atomically (a new link renamed over the old one).</summary>
    public void Activate(string release)
    {
        if (!IsInstalled(release)) throw new DirectoryNotFoundException(NotInstalled(release) + ".");
        var next = CurrentLink + ".next";
        if (File.Exists(next) || new FileInfo(next).LinkTarget is not null) File.Delete(next);
        File.CreateSymbolicLink(next, Path.Combine(ReleasesFolder, release));
        if (OperatingSystem.IsWindows())
        {
            if (new FileInfo(CurrentLink).LinkTarget is not null) File.Delete(CurrentLink);
            File.Move(next, CurrentLink);
        }
        else if (rename(next, CurrentLink) != 0)
            throw new IOException($"Could not point {CurrentLink} at {release} (errno {Marshal.GetLastWin32Error()}).");
    }

    // File.Move follows a link to a directory and refuses it; rename(2) replaces the link itself, atomically.
    [DllImport("libc", SetLastError = true)]
    private static extern int rename(string oldPath, string newPath);

    /// <summary>Removes the oldest releases beyond <paramref name="keep"/>, never the current one or those listed.</summary>
    public IReadOnlyList<string> Prune(int keep, IEnumerable<string> alsoKeep)
    {
        var protectedReleases = new HashSet<string>(alsoKeep, StringComparer.Ordinal);
        if (Current is { } current) protectedReleases.Add(current);
        var removed = Installed.Skip(keep).Where(release => !protectedReleases.Contains(release)).ToList();
        foreach (var release in removed) Directory.Delete(PathOf(release), recursive: true);
        return removed;
    }

    private static void CopyDirectory(string source, string target)
    {
        Directory.CreateDirectory(target);
        foreach (var directory in Directory.EnumerateDirectories(source, "*", SearchOption.AllDirectories))
            Directory.CreateDirectory(Path.Combine(target, Path.GetRelativePath(source, directory)));
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var destination = Path.Combine(target, Path.GetRelativePath(source, file));
            File.Copy(file, destination);
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(destination, File.GetUnixFileMode(file));
        }
    }
}
