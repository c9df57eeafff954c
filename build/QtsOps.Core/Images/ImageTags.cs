using QtsOps.Core.Versioning;

namespace QtsOps.Core.Images;

/// <summary>
/// The tagging strategy: every image gets its version; a build of a commit as committed also gets the
/// commit (a build with uncommitted changes is not that commit); release versions also move
/// major.minor and latest.
/// </summary>
public static class ImageTags
{
    /// <summary>A release version has no prerelease part and no build metadata (such as dirty).</summary>
    public static bool IsRelease(SemanticVersion version) => !version.IsPreRelease && version.BuildMetadata.Count == 0;

    public static IReadOnlyList<string> For(SemanticVersion version, string shortSha)
    {
        var tags = new List<string> { version.ToDockerTag() };
        if (!version.BuildMetadata.Contains(VersionCalculator.DirtyMetadata)) tags.Add($"sha-{shortSha}");
        if (IsRelease(version)) tags.AddRange([$"{version.Major}.{version.Minor}", "latest"]);
        return tags;
    }
}
