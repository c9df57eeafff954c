using QtsOps.Release.Versioning;

namespace QtsOps.Release.Environments;

/// <summary>What changes a protected environment; each needs approval there.</summary>
public enum ProtectedChange
{
    Apply,
    Deploy,
    /// <summary>On demand, or after a failed deploy or verify.</summary>
    Rollback,
    /// <summary>A data backup put in place of the data.</summary>
    Restore,
}

/// <summary>
/// The one answer to "is this environment protected, and may this run change it", read by apply,
/// deploy, rollback (on demand and automatic), restore and the version check alike. An environment is
/// protected when environments.json marks it or --protected-environments adds it: a setting can
/// add protection, never remove it. Protected environments take release versions only, plans there
/// may not destroy without --allow-destroy, and every <see cref="ProtectedChange"/> needs approval.
/// </summary>
public sealed class ProtectionPolicy
{
    /// <param name="marked">The environments environments.json marks protected.</param>
    /// <param name="added">Those --protected-environments adds.</param>
    /// <param name="approval">How this run was approved ("--approve", "CI=true"), null when it was not.</param>
    public ProtectionPolicy(IEnumerable<string> marked, IEnumerable<string> added, string? approval)
    {
        ProtectedEnvironments = [.. marked.Union(added, StringComparer.Ordinal)];
        Approval = approval;
    }

    public IReadOnlyList<string> ProtectedEnvironments { get; }

    /// <summary>How the run was approved; null when it was not.</summary>
    public string? Approval { get; }

    public bool IsProtected(string environment) => ProtectedEnvironments.Contains(environment, StringComparer.Ordinal);

    /// <summary>
    /// Approval is --approve (a person confirmed the change), or CI=true / GITHUB_ACTIONS=true: a CI
    /// job, approved by its workflow (GitHub's environment reviewers for prod).
    /// </summary>
    /// <returns>How the run is approved, or null.</returns>
    public static string? ApprovalOf(bool approveOption, Func<string, string?> variable) =>
        approveOption ? "--approve"
        : new[] { "CI", "GITHUB_ACTIONS" }.FirstOrDefault(name => variable(name) is { } value && (value.Equals("true", StringComparison.OrdinalIgnoreCase) || value == "1")) is { } ci ? $"{ci}=true"
        : null;

    /// <returns>Null when <paramref name="change"/> may happen to <paramref name="environment"/>; else why not and what to do.</returns>
    public string? ChangeRefusal(string environment, ProtectedChange change)
    {
        if (!IsProtected(environment) || Approval is not null) return null;
        var what = change switch
        {
            ProtectedChange.Apply => "applying a plan to it",
            ProtectedChange.Deploy => "deploying to it",
            ProtectedChange.Restore => "restoring a backup of its data",
            _ => "rolling it back",
        };
        return $"'{environment}' is protected: {what} needs --approve (or a CI run, approved by its workflow).";
    }

    /// <returns>Null when <paramref name="version"/> may go to <paramref name="environment"/>; else why not and what to do.</returns>
    public string? VersionRefusal(string environment, CalculatedVersion version)
    {
        if (!IsProtected(environment) || version.IsRelease) return null;
        var fix = version.TagName is not null && version.Height == 0
            ? "commit or stash the changes"
            : "check out a release tag (git checkout vX.Y.Z) or cut one with ./build.sh --target=release --bump=patch|minor|major";
        return $"{environment} deploys release versions only (a commit tagged vX.Y.Z, clean tree); {version.Version} is not one ({version.Explanation}). To fix: {fix}.";
    }
}
