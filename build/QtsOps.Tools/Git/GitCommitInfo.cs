namespace QtsOps.Tools.Git;

/// <summary>The commit a pipeline run builds, as read from the repository.</summary>
public sealed record GitCommitInfo(string Sha, DateTimeOffset CommitTime, string? Branch, bool IsDirty)
{
    public string ShortSha => Sha[..7];
}

/// <summary>One commit of <c>git log</c>: its parents (first parent first), subject line and whole message.</summary>
public sealed record GitLogEntry(string Sha, IReadOnlyList<string> ParentShas, string Subject, string Message);

/// <summary>A tag and the commit it points at.</summary>
public sealed record GitTagInfo(string Name, string CommitSha, bool IsAnnotated);
