namespace QtsOps.Core.Versioning;

/// <summary>A git tag and the commit it points at.</summary>
public sealed record VersionTagRef(string Name, string CommitSha);

/// <summary>The version of a commit and where it came from.</summary>
/// <param name="TagName">The version tag it derives from; null when no ancestor has one.</param>
/// <param name="TagVersion">That tag's version; null when there is no tag.</param>
/// <param name="Height">Commits between the tag (or the root commit) and the commit.</param>
public sealed record CalculatedVersion(SemanticVersion Version, string? TagName, SemanticVersion? TagVersion, string? TagCommitSha, int Height, bool IsDirty)
{
    /// <summary>A release build: the commit carries the version tag and the tree is clean.</summary>
    public bool IsRelease => TagName is not null && Height == 0 && !IsDirty;

    public string Explanation =>
        (TagName is null ? $"no version tag; {Height} commit(s) after the root commit"
            : Height == 0 ? $"tagged {TagName}"
            : $"{Height} commit(s) after {TagName}")
        + (IsDirty ? "; uncommitted changes" : "");
}

/// <summary>
/// MinVer's version rules (tag prefix "v"): a commit with a version tag has that version; otherwise the
/// history is walked from the commit, stopping on each path at the first commit with a version tag (or
/// the root commit), and the highest version found wins, taking the height of the first path that
/// reached it. A release tag then gives the next patch as "alpha.0.height", a pre-release tag gets
/// ".height"; no tag gives 0.0.0-alpha.0.height. Tags that are not "v" + SemVer 2.0.0 are ignored.
/// Uncommitted changes add the build metadata "dirty" and a short hash of what the build is made of
/// (1.2.4-alpha.0.1+dirty.1a2b3c4d): two different uncommitted builds of one commit must not share a
/// version, or the second one's image and release would replace the first one's.
/// </summary>
public static class VersionCalculator
{
    public const string TagPrefix = "v";
    public const string DirtyMetadata = "dirty";
    private static readonly SemanticVersion Default = new(0, 0, 0, ["alpha", "0"]);

    /// <param name="parentsOf">The parent commits of a commit, first parent first.</param>
    /// <param name="uncommittedInputs">Null for a clean tree; else a short hash of the build's inputs with the uncommitted changes.</param>
    public static CalculatedVersion Calculate(string headSha, Func<string, IReadOnlyList<string>> parentsOf, IEnumerable<VersionTagRef> tags, string? uncommittedInputs)
    {
        var versionsByCommit = tags
            .Select(tag => (Tag: tag, Version: ParseTag(tag.Name)))
            .Where(t => t.Version is not null)
            .ToLookup(t => t.Tag.CommitSha, t => (t.Tag.Name, Version: t.Version!));

        var candidates = new List<Candidate>();
        var visited = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<(string Sha, int Height)>();
        pending.Push((headSha, 0));
        while (pending.TryPop(out var commit))
        {
            if (!visited.Add(commit.Sha)) continue; // reached again on a later path: the first path's height counts
            var tagged = versionsByCommit[commit.Sha].ToList();
            if (tagged.Count > 0)
            {
                candidates.AddRange(tagged.Select(t => new Candidate(t.Version, t.Name, commit.Sha, commit.Height, candidates.Count)));
                continue;
            }
            var parents = parentsOf(commit.Sha);
            if (parents.Count == 0) candidates.Add(new Candidate(Default, null, null, commit.Height, candidates.Count));
            for (var i = parents.Count - 1; i >= 0; i--) pending.Push((parents[i], commit.Height + 1));
        }

        var chosen = candidates.OrderByDescending(c => c.Version).ThenBy(c => c.Order).First();
        var version = chosen.Version.WithHeight(chosen.Height);
        if (uncommittedInputs is not null) version = version.WithBuildMetadata(DirtyMetadata, uncommittedInputs);
        return new CalculatedVersion(version, chosen.TagName, chosen.TagName is null ? null : chosen.Version, chosen.CommitSha, chosen.Height, uncommittedInputs is not null);
    }

    /// <summary>The version a tag names ("v1.2.3" → 1.2.3), or null for any other tag.</summary>
    public static SemanticVersion? ParseTag(string tagName) =>
        tagName.StartsWith(TagPrefix, StringComparison.Ordinal) && SemanticVersion.TryParse(tagName[TagPrefix.Length..], out var version) ? version : null;

    public static string TagNameOf(SemanticVersion version) => TagPrefix + version;

    /// <summary>The version tag with the highest version among <paramref name="tagNames"/>; null when none is a version tag.</summary>
    public static (string TagName, SemanticVersion Version)? HighestTag(IEnumerable<string> tagNames) =>
        tagNames.Select(name => (Name: name, Version: ParseTag(name)))
            .Where(tag => tag.Version is not null)
            .Select(tag => ((string TagName, SemanticVersion Version)?)(tag.Name, tag.Version!))
            .MaxBy(tag => tag!.Value.Version);

    private sealed record Candidate(SemanticVersion Version, string? TagName, string? CommitSha, int Height, int Order);
}
