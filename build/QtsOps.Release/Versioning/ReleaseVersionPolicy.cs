namespace QtsOps.Release.Versioning;

/// <summary>Protected environments take release versions only: a commit with a version tag and a clean tree.</summary>
public static class ReleaseVersionPolicy
{
    public static readonly IReadOnlyList<string> ProtectedEnvironments = ["prod"];

    public static bool IsProtected(string environment) => ProtectedEnvironments.Contains(environment, StringComparer.OrdinalIgnoreCase);

    /// <returns>Null when <paramref name="version"/> may go to <paramref name="environment"/>; else why not and what to do.</returns>
    public static string? Refusal(string environment, CalculatedVersion version)
    {
        if (!IsProtected(environment) || version.IsRelease) return null;
        var fix = version.TagName is not null && version.Height == 0
            ? "commit or stash the changes"
            : "check out a release tag (git checkout vX.Y.Z) or cut one with ./build.sh --target=release --bump=patch|minor|major";
        return $"{environment} deploys release versions only (a commit tagged vX.Y.Z, clean tree); {version.Version} is not one ({version.Explanation}). To fix: {fix}.";
    }
}
