using QtsOps.Core.Versioning;

namespace QtsOps.Core.Releasing;

/// <summary>A release cannot be cut as asked; the message says why and how to fix it.</summary>
public sealed class ReleaseRefusedException(string message) : Exception(message);

/// <summary>What the release manager asked for: a bump of the last version, or an exact version.</summary>
public sealed record ReleaseRequest(VersionPart? Bump, SemanticVersion? Version, string ReleaseBranch)
{
    /// <param name="bump">--bump: major, minor or patch.</param>
    /// <param name="version">--version: X.Y.Z or vX.Y.Z (a pre-release such as 1.3.0-rc.1 too).</param>
    /// <exception cref="ReleaseRefusedException">Neither or both given, or a value is malformed.</exception>
    public static ReleaseRequest Parse(string? bump, string? version, string releaseBranch)
    {
        if ((bump is null) == (version is null))
            throw new ReleaseRefusedException("release needs exactly one of --bump=major|minor|patch or --version=X.Y.Z.");
        if (bump is not null)
        {
            var part = bump.ToLowerInvariant() switch
            {
                "major" => VersionPart.Major,
                "minor" => VersionPart.Minor,
                "patch" => VersionPart.Patch,
                _ => throw new ReleaseRefusedException($"--bump={bump}: use major, minor or patch."),
            };
            return new ReleaseRequest(part, null, releaseBranch);
        }
        var text = version!.StartsWith(VersionCalculator.TagPrefix, StringComparison.Ordinal) ? version[VersionCalculator.TagPrefix.Length..] : version;
        if (!SemanticVersion.TryParse(text, out var exact))
            throw new ReleaseRefusedException($"--version={version} is not a SemVer version: use MAJOR.MINOR.PATCH, e.g. --version=1.3.0 or --version=1.3.0-rc.1.");
        if (exact.BuildMetadata.Count > 0)
            throw new ReleaseRefusedException($"--version={version}: a release version carries no build metadata ('+...'); use --version={new SemanticVersion(exact.Major, exact.Minor, exact.Patch, exact.PreRelease)}.");
        return new ReleaseRequest(null, exact, releaseBranch);
    }
}

/// <summary>The repository as the release finds it.</summary>
/// <param name="Branch">The checked-out branch; null when HEAD is detached.</param>
/// <param name="Current">The version of HEAD, with the tag it derives from.</param>
/// <param name="Changes">The commits since that tag, newest first.</param>
public sealed record RepositoryState(string? Branch, bool IsDirty, CalculatedVersion Current, IReadOnlyCollection<string> TagNames, IReadOnlyList<ReleaseChange> Changes)
{
    /// <summary>The tags of the remote the release is pushed to; null when it is not pushed.</summary>
    public RemoteTags? Remote { get; init; }
}

/// <summary>The tag names a remote has, which may be more than this clone knows: another clone may have released.</summary>
public sealed record RemoteTags(string RemoteName, IReadOnlyCollection<string> TagNames)
{
    /// <summary>The highest version a tag names; null when none does.</summary>
    public SemanticVersion? HighestVersion => VersionCalculator.HighestTag(TagNames)?.Version;
}

/// <summary>What a release will do: the version, its tag, the CHANGELOG section and the commit message.</summary>
public sealed record ReleasePlan(SemanticVersion Version, string TagName, string? PreviousTag, string Notes, string CommitMessage, int ChangeCount)
{
    public string TagMessage => $"Release {TagName}\n\n{Notes}";
}

/// <summary>Decides the next release, refusing what must not be released.</summary>
public static class ReleasePlanner
{
    /// <exception cref="ReleaseRefusedException">A dirty tree, another branch, an existing tag, or a version not above every version tagged here or on the remote.</exception>
    public static ReleasePlan Plan(ReleaseRequest request, RepositoryState state, DateOnly today)
    {
        if (state.IsDirty)
            throw new ReleaseRefusedException("The working tree has uncommitted changes: a release is cut from a clean tree. Commit or stash them (git status shows them), then run release again.");
        if (!string.Equals(state.Branch, request.ReleaseBranch, StringComparison.Ordinal))
            throw new ReleaseRefusedException($"Releases are cut on '{request.ReleaseBranch}', and {(state.Branch is null ? "HEAD is detached" : $"this is '{state.Branch}'")}. " +
                $"Check out {request.ReleaseBranch} (git checkout {request.ReleaseBranch}), or name the release branch with --release-branch=NAME.");

        var last = state.Current.TagVersion;
        var version = request.Version ?? (last ?? new SemanticVersion(0, 0, 0)).Bump(request.Bump!.Value);
        var tag = VersionCalculator.TagNameOf(version);
        if (state.TagNames.Contains(tag, StringComparer.Ordinal))
            throw new ReleaseRefusedException($"The tag {tag} exists already: {version} was released. Pick a higher version (--bump or --version).");
        // Every local tag counts, not only those HEAD descends from: a version released from another branch is taken too.
        if (VersionCalculator.HighestTag(state.TagNames) is { } highest && version.CompareTo(highest.Version) <= 0)
            throw new ReleaseRefusedException(highest.TagName == state.Current.TagName
                ? $"{version} is not above the last version {highest.Version} ({highest.TagName}): pick a higher --version, or use --bump."
                : $"{version} is not above the last version {highest.Version} ({highest.TagName}, a tag that is not in the history of HEAD: it was released from another branch). " +
                  $"A release goes above every version tagged in this repository: pick a version above it with --version (git tag --list 'v*' --sort=-v:refname shows them), or merge that release first.");
        if (state.Remote is { HighestVersion: { } remoteLast } remote && version.CompareTo(remoteLast) <= 0)
            throw new ReleaseRefusedException($"{version} is not above {remoteLast}, which {remote.RemoteName} has (tag {VersionCalculator.TagNameOf(remoteLast)}): a release goes above every version on {remote.RemoteName}. " +
                $"Bring that release here (git pull --tags {remote.RemoteName} {request.ReleaseBranch}) and run release again, or pick a version above it with --version.");

        var notes = ReleaseNotes.Section(version, today, state.Current.TagName, state.Changes);
        return new ReleasePlan(version, tag, state.Current.TagName, notes, $"chore(release): {tag}", state.Changes.Count(c => !c.IsMerge));
    }
}
