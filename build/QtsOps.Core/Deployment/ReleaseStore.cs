namespace QtsOps.Core.Deployment;

/// <summary>
/// An environment's deploy directory: releases/&lt;version&gt;/ holds each installed package, and the
/// symlink <c>current</c> points at the one that runs. Data, logs and config live outside releases/,
/// so every release shares them and removing a release never touches them.
/// </summary>
/// <param name="files">Where the deploy directory is: this machine's file system, or the Docker host's.</param>
public sealed class ReleaseStore(string deployDirectory, IHostFileSystem files)
{
    private readonly IHostFileSystem _files = files;

    /// <summary>
    /// The releases this store installed, each with the package it was copied from: <see cref="Activate"/> need not list releases/
    /// to find them, and what a run reads of their files it reads in the package (<see cref="PackageOf"/>).
    /// </summary>
    private readonly Dictionary<string, string> _installedFrom = new(StringComparer.Ordinal);

    public string DeployDirectory { get; } = deployDirectory;
    public const string ReleasesFolder = "releases";
    public const string CurrentLinkName = "current";

    public string ReleasesDirectory => Join(DeployDirectory, ReleasesFolder);
    public string CurrentLink => Join(DeployDirectory, CurrentLinkName);

    public string PathOf(string release) => Join(ReleasesDirectory, release);

    /// <summary>
    /// Whether <paramref name="release"/> is the name of an installed release: one of <see cref="Installed"/>,
    /// so a path (absolute, or with ../) never names a directory outside releases/.
    /// </summary>
    public bool IsInstalled(string release) => Installed.Contains(release, StringComparer.Ordinal);

    /// <summary>The installed releases, newest install first (a half-copied .partial one is not a release).</summary>
    public IReadOnlyList<string> Installed => InstalledOf(_files.Directories(ReleasesDirectory));

    /// <summary>The releases among the folders under releases/ (<see cref="IHostFileSystem.Directories"/>), newest install first.</summary>
    public static IReadOnlyList<string> InstalledOf(IEnumerable<(string Name, DateTime LastWriteUtc)> directories) =>
        [.. directories
            .Where(d => !d.Name.StartsWith('.'))
            .OrderByDescending(d => d.LastWriteUtc).ThenByDescending(d => d.Name, StringComparer.Ordinal)
            .Select(d => d.Name)];

    /// <summary>Why <paramref name="release"/> cannot be put back, naming the releases that can.</summary>
    public string NotInstalled(string release) =>
        $"'{release}' is not a release installed under {ReleasesDirectory} (installed, newest first: {(Installed is { Count: > 0 } installed ? string.Join(", ", installed) : "none")})";

    /// <summary>The release <c>current</c> points at, or null before the first deploy.</summary>
    public string? Current => ReleaseOf(_files.LinkTarget(CurrentLink));

    /// <summary>The release a <c>current</c> link's target names; null for no link.</summary>
    public static string? ReleaseOf(string? currentTarget) => currentTarget is { } target ? Path.GetFileName(target.TrimEnd('/', '\\')) : null;

    /// <summary>Copies a package into releases/&lt;release&gt;/ (replacing an earlier copy of the same release) without switching to it.</summary>
    public string Install(string packageDirectory, string release)
    {
        if (!Directory.Exists(packageDirectory)) throw new DirectoryNotFoundException($"Package directory {packageDirectory} does not exist.");
        var target = PathOf(release);
        // The folder's time is its install time: pruning removes the oldest installs first.
        _files.PutDirectory(packageDirectory, target, Join(ReleasesDirectory, $".{release}.partial"));
        _installedFrom[release] = packageDirectory;
        return target;
    }

    /// <summary>
    /// The package directory (on this machine) this store installed <paramref name="release"/> from, a copy of which it is: its files are
    /// read there instead of on the host (over ssh, a round trip each). Null for a release this store did not install.
    /// </summary>
    public string? PackageOf(string release) => _installedFrom.GetValueOrDefault(release);

    /// <summary>Points <c>current</c> at a release, atomically (a new link renamed over the old one).</summary>
    public void Activate(string release)
    {
        if (!_installedFrom.ContainsKey(release) && !IsInstalled(release)) throw new DirectoryNotFoundException(NotInstalled(release) + ".");
        _files.ReplaceLink(CurrentLink, Join(ReleasesFolder, release));
    }

    /// <summary>Removes the oldest releases beyond <paramref name="keep"/>, never the current one or those listed.</summary>
    public IReadOnlyList<string> Prune(int keep, IEnumerable<string> alsoKeep) => Prune(Installed, Current, keep, alsoKeep);

    /// <summary>
    /// <see cref="Prune(int, IEnumerable{string})"/> right after <paramref name="release"/> was installed and made current, with the releases
    /// <paramref name="installedBefore"/> it (newest install first, as the deploy read them under its lock): the store is not read again.
    /// </summary>
    public IReadOnlyList<string> PruneAfterInstall(string release, IReadOnlyList<string> installedBefore, int keep, IEnumerable<string> alsoKeep) =>
        Prune([release, .. installedBefore.Where(installed => installed != release)], release, keep, alsoKeep);

    private List<string> Prune(IReadOnlyList<string> installed, string? current, int keep, IEnumerable<string> alsoKeep)
    {
        var protectedReleases = new HashSet<string>(alsoKeep, StringComparer.Ordinal);
        if (current is not null) protectedReleases.Add(current);
        var removed = installed.Skip(keep).Where(release => !protectedReleases.Contains(release)).ToList();
        foreach (var release in removed)
        {
            _files.DeleteDirectory(PathOf(release));
            _installedFrom.Remove(release);
        }
        return removed;
    }

    private string Join(string directory, string name) => _files.Combine(directory, name);
}
