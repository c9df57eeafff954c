namespace QtsOps.Core.Releasing;

/// <summary>CHANGELOG.md: a title, then one "## version" section per release, newest first.</summary>
public static class Changelog
{
    public const string FileName = "CHANGELOG.md";
    private const string Title = "# Changelog\n\nEvery release of QTS Observer, newest first. Written by `./build.sh --target=release`.\n\n";

    /// <summary>Puts <paramref name="section"/> above the newest release, below any title and introduction.</summary>
    public static string Prepend(string? existing, string section)
    {
        var text = (existing ?? "").ReplaceLineEndings("\n");
        if (text.Trim().Length == 0) return Title + section;
        var firstRelease = text.StartsWith("## ", StringComparison.Ordinal) ? 0
            : text.IndexOf("\n## ", StringComparison.Ordinal) is var index and >= 0 ? index + 1
            : -1;
        return firstRelease < 0
            ? text.TrimEnd('\n') + "\n\n" + section
            : text[..firstRelease] + section + "\n" + text[firstRelease..];
    }

    /// <summary>The "## VERSION (date)" section of a changelog, up to the next release's; null when it has none.</summary>
    public static string? SectionOf(string? changelog, string version)
    {
        var text = (changelog ?? "").ReplaceLineEndings("\n");
        var heading = $"## {version} (";
        var start = text.StartsWith(heading, StringComparison.Ordinal) ? 0 : text.IndexOf("\n" + heading, StringComparison.Ordinal) is var at and >= 0 ? at + 1 : -1;
        if (start < 0) return null;
        var end = text.IndexOf("\n## ", start, StringComparison.Ordinal);
        return (end < 0 ? text[start..] : text[start..end]).TrimEnd('\n') + "\n";
    }
}
