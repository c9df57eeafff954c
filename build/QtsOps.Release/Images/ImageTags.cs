using System.Text.RegularExpressions;

namespace QtsOps.Release.Images;

/// <summary>The tagging strategy: every image gets its version and its commit; release versions also move major.minor and latest.</summary>
public static partial class ImageTags
{
    /// <summary>
    /// A version as a Docker tag. Tags allow [A-Za-z0-9_.-] only (at most 128 characters, not starting
    /// with '.' or '-'), so SemVer build metadata such as 1.2.4+dirty becomes 1.2.4-dirty.
    /// </summary>
    public static string Sanitize(string version)
    {
        var tag = InvalidTagCharacters().Replace(version.Replace('+', '-'), "-").TrimStart('.', '-');
        if (tag.Length == 0) throw new ArgumentException($"'{version}' gives an empty Docker tag.", nameof(version));
        return tag.Length > 128 ? tag[..128] : tag;
    }

    /// <summary>A release version is MAJOR.MINOR.PATCH with no prerelease and no build metadata.</summary>
    public static bool IsRelease(string version) => ReleaseVersion().IsMatch(version);

    public static IReadOnlyList<string> For(string version, string shortSha)
    {
        var tags = new List<string> { Sanitize(version), $"sha-{shortSha}" };
        if (ReleaseVersion().Match(version) is { Success: true } release)
            tags.AddRange([$"{release.Groups[1].Value}.{release.Groups[2].Value}", "latest"]);
        return tags;
    }

    [GeneratedRegex("^(0|[1-9][0-9]*)\\.(0|[1-9][0-9]*)\\.(0|[1-9][0-9]*)$")]
    private static partial Regex ReleaseVersion();

    [GeneratedRegex("[^A-Za-z0-9_.-]")]
    private static partial Regex InvalidTagCharacters();
}
