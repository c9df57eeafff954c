using QtsOps.Core.Versioning;

namespace QtsOps.Core.Environments;

/// <summary>What changes a protected environment; each needs approval there.</summary>
public enum ProtectedChange
{
    Apply,
    Deploy,
    /// <summary>On demand, or after a failed deploy or verify.</summary>
    Rollback,
    /// <summary>A data backup put in place of the data.</summary>
    Restore,
    /// <summary>Its containers stopped and removed (--target=down).</summary>
    Down,
    /// <summary>verify starting a stopped release that verified before (the daily health job must not, with a read-only key).</summary>
    Restart,
}

/// <summary>
/// The one answer to "is this environment protected, and may this run change it", read by apply,
/// deploy, rollback (on demand and automatic), restore, verify's restart and the version check alike. An environment is
/// protected when environments.json marks it or --protected-environments adds it: a setting can
/// add protection, never remove it. Protected environments take release versions only, plans there
/// may not destroy without --allow-destroy, and every <see cref="ProtectedChange"/> needs approval.
/// Approval is --approve and nothing else: a variable such as CI=true is set by many shells and
/// runners, so it says nothing about whether a person confirmed this change.
/// </summary>
public sealed class ProtectionPolicy
{
    /// <param name="marked">The environments environments.json marks protected.</param>
    /// <param name="added">Those --protected-environments adds.</param>
    /// <param name="approved">--approve was given.</param>
    /// <param name="allowPreRelease">--allow-prerelease was given: a pre-release version may go to a protected environment.</param>
    public ProtectionPolicy(IEnumerable<string> marked, IEnumerable<string> added, bool approved, bool allowPreRelease)
    {
        ProtectedEnvironments = [.. marked.Union(added, StringComparer.Ordinal)];
        Approved = approved;
        AllowPreRelease = allowPreRelease;
    }

    public IReadOnlyList<string> ProtectedEnvironments { get; }

    /// <summary>--approve was given.</summary>
    public bool Approved { get; }

    /// <summary>--allow-prerelease was given.</summary>
    public bool AllowPreRelease { get; }

    public bool IsProtected(string environment) => ProtectedEnvironments.Contains(environment, StringComparer.Ordinal);

    /// <returns>Null when <paramref name="change"/> may happen to <paramref name="environment"/>; else why not and what to do.</returns>
    public string? ChangeRefusal(string environment, ProtectedChange change)
    {
        if (!IsProtected(environment) || Approved) return null;
        var what = change switch
        {
            ProtectedChange.Apply => "applying a plan to it",
            ProtectedChange.Deploy => "deploying to it",
            ProtectedChange.Restore => "restoring a backup of its data",
            ProtectedChange.Down => "taking it down",
            ProtectedChange.Restart => "starting its stopped release again",
            _ => "rolling it back",
        };
        return $"'{environment}' is protected: {what} needs --approve.";
    }

    /// <summary>
    /// Protected environments take commits of the release branch only: a vX.Y.Z tag can be pushed on any
    /// commit, a branch under review or nobody's, and the tag alone deploys it.
    /// </summary>
    /// <param name="onReleaseBranch">Whether <paramref name="commit"/> is the tip of <paramref name="releaseBranch"/> on the remote, or one of its ancestors.</param>
    /// <returns>Null when the commit may go to <paramref name="environment"/>; else why not and what to do.</returns>
    public string? BranchRefusal(string environment, string commit, string remote, string releaseBranch, bool onReleaseBranch) =>
        !IsProtected(environment) || onReleaseBranch ? null
            : $"{environment} takes commits of the release branch only, and {commit} is not on {remote}/{releaseBranch} (not one of its ancestors): " +
              $"a tag on it does not make it a release. To fix: merge it into {releaseBranch}, push, and release from there (./build.sh --target=release on {releaseBranch}); " +
              "or, when the project releases from another branch, name it with --release-branch=NAME (QTSOPS_RELEASE_BRANCH).";

    /// <returns>Null when <paramref name="version"/> may go to <paramref name="environment"/>; else why not and what to do.</returns>
    public string? VersionRefusal(string environment, CalculatedVersion version)
    {
        if (!IsProtected(environment)) return null;
        if (version.IsRelease)
            return !version.Version.IsPreRelease || AllowPreRelease ? null
                : $"{environment} takes final releases only: {version.Version} ({version.TagName}) is a pre-release. " +
                  "To fix: release it (./build.sh --target=release --bump=patch|minor|major releases a pre-release as is), or pass --allow-prerelease to deploy the pre-release there.";
        var fix = version.TagName is not null && version.Height == 0
            ? "commit or stash the changes"
            : "check out a release tag (git checkout vX.Y.Z) or cut one with ./build.sh --target=release --bump=patch|minor|major";
        return $"{environment} deploys release versions only (a commit tagged vX.Y.Z, clean tree); {version.Version} is not one ({version.Explanation}). To fix: {fix}.";
    }
}
