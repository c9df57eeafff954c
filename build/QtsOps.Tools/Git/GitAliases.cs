using Cake.Core;
using Cake.Core.Annotations;
using LibGit2Sharp;

namespace QtsOps.Tools.Git;

/// <summary>Git aliases in the Cake.Git style, over LibGit2Sharp (no git process).</summary>
[CakeAliasCategory("Git")]
public static class GitAliases
{
    /// <summary>The checked-out commit of the repository at <paramref name="repositoryPath"/>.</summary>
    [CakeMethodAlias]
    public static GitCommitInfo GitCurrentCommit(this ICakeContext context, string repositoryPath)
    {
        using var repository = Open(repositoryPath);
        var head = repository.Head.Tip
            ?? throw new InvalidOperationException($"The git repository at '{repositoryPath}' has no commit yet: commit first.");
        var dirty = repository.RetrieveStatus(new StatusOptions { IncludeUntracked = true, IncludeIgnored = false }).IsDirty;
        return new GitCommitInfo(head.Sha, head.Committer.When, repository.Info.IsHeadDetached ? null : repository.Head.FriendlyName, dirty);
    }

    /// <summary>The URL of a remote (origin by default), or null when the repository has none.</summary>
    [CakeMethodAlias]
    public static string? GitRemoteUrl(this ICakeContext context, string repositoryPath, string remote = "origin")
    {
        using var repository = Open(repositoryPath);
        return repository.Network.Remotes[remote]?.Url;
    }

    internal static Repository Open(string repositoryPath)
    {
        var root = Repository.Discover(repositoryPath)
            ?? throw new InvalidOperationException($"'{repositoryPath}' is not inside a git repository: QtsOps versions and packages come from git commits.");
        return new Repository(root);
    }
}
