using Cake.Core;
using QtsOps.Core.Packaging;
using QtsOps.Core.Validation.Observer;
using QtsOps.Core.Versioning;
using QtsOps.Tools.Git;

namespace QtsOps.Build;

/// <summary>
/// The checkout a run builds from: the commit and its version, each read once, on first use (not
/// every target needs git), and read again only after <see cref="Refresh"/> (release commits and tags).
/// </summary>
public sealed class Checkout(ICakeContext context, string root)
{
    private GitCommitInfo? _commit;
    private CalculatedVersion? _version;

    /// <summary>The commit being built.</summary>
    public GitCommitInfo Commit => _commit ??= context.GitCurrentCommit(root);

    /// <summary>The version of the commit from its git tags, by MinVer's rules (docs/OPERATIONS.md: "Versions").</summary>
    public CalculatedVersion VersionInfo => _version ??= CalculateVersion();

    /// <summary>The SemVer version every output records: reports, deployment_config.json, image labels.</summary>
    public string Version => VersionInfo.Version.ToString();

    /// <summary>The version in Docker tags and file names, which cannot hold SemVer's '+': 1.2.4-alpha.0.1_dirty.1a2b3c4d.</summary>
    public string VersionTag => VersionInfo.Version.ToDockerTag();

    /// <summary>The version for logs and summaries, also outside a git repository.</summary>
    public string VersionDescription => context.GitIsRepository(root)
        ? $"{Version} ({VersionInfo.Explanation})"
        : "(no git repository, no version)";

    /// <summary>Reads the commit and version again after a task committed or tagged (release).</summary>
    public void Refresh() => (_commit, _version) = (null, null);

    /// <summary>The service the deploy package is built from: src/observer/.</summary>
    public string ServiceDirectory => Path.Combine(root, ObserverFiles.Directory);

    /// <summary>Whether git ignores a path relative to <see cref="ServiceDirectory"/> (such files do not ship); null outside a git repository.</summary>
    public Func<string, bool>? IsIgnoredInService =>
        context.GitIgnoreChecker(root) is { } ignored ? path => ignored($"{ObserverFiles.Directory}/{path}") : null;

    private CalculatedVersion CalculateVersion()
    {
        var tags = context.GitTags(root).Select(t => new VersionTagRef(t.Name, t.CommitSha)).ToList();
        // The walk stops at version tags, so only the history since the nearest ones is read.
        var tagged = tags.Where(t => VersionCalculator.ParseTag(t.Name) is not null).Select(t => t.CommitSha).ToHashSet(StringComparer.Ordinal);
        var parents = context.GitParents(root, tagged);
        var uncommittedInputs = Commit.IsDirty ? DeployPackage.InputsHash(ServiceDirectory, IsIgnoredInService) : null;
        return VersionCalculator.Calculate(Commit.Sha, sha => parents[sha], tags, uncommittedInputs);
    }
}
