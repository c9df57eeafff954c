namespace QtsOps.Tools.Git;

/// <summary>The commit a pipeline run builds, as read from the repository.</summary>
public sealed record GitCommitInfo(string Sha, DateTimeOffset CommitTime, string? Branch, bool IsDirty)
{
    public string ShortSha => Sha[..7];
}
