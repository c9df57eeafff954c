using Cake.Core;
using Cake.Core.Annotations;
using LibGit2Sharp;

namespace QtsOps.Tools.Git;

/// <summary>Git aliases in the Cake.Git style for the local repository, over LibGit2Sharp (no git process); remotes go through <see cref="GitCliAliases"/>.</summary>
[CakeAliasCategory("Git")]
public static class GitAliases
{
    /// <summary>Whether <paramref name="path"/> is inside a git work tree.</summary>
    [CakeMethodAlias]
    public static bool GitIsRepository(this ICakeContext context, string path) => Repository.Discover(path) is not null;

    /// <summary>The checked-out commit of the repository at <paramref name="repositoryPath"/>.</summary>
    [CakeMethodAlias]
    public static GitCommitInfo GitCurrentCommit(this ICakeContext context, string repositoryPath)
    {
        using var repository = Open(repositoryPath);
        var head = Head(repository, repositoryPath);
        var dirty = repository.RetrieveStatus(new StatusOptions { IncludeUntracked = true, IncludeIgnored = false }).IsDirty;
        return new GitCommitInfo(head.Sha, head.Committer.When, repository.Info.IsHeadDetached ? null : repository.Head.FriendlyName, dirty);
    }

    /// <summary>
    /// The commits reachable from HEAD, newest first (a commit before its parents), like <c>git log</c>;
    /// with <paramref name="excludeReachableFrom"/>, only those not reachable from that commit (<c>git log X..HEAD</c>).
    /// </summary>
    [CakeMethodAlias]
    public static IReadOnlyList<GitLogEntry> GitLog(this ICakeContext context, string repositoryPath, string? excludeReachableFrom = null)
    {
        using var repository = Open(repositoryPath);
        var filter = new CommitFilter
        {
            IncludeReachableFrom = Head(repository, repositoryPath),
            ExcludeReachableFrom = excludeReachableFrom,
            SortBy = CommitSortStrategies.Topological | CommitSortStrategies.Time,
        };
        return repository.Commits.QueryBy(filter)
            .Select(c => new GitLogEntry(c.Sha, [.. c.Parents.Select(p => p.Sha)], c.MessageShort, c.Message))
            .ToList();
    }

    /// <summary>
    /// The parents (first parent first) of each commit reachable from HEAD without going past a commit
    /// of <paramref name="stopAt"/>, whose own parents are not read: the history back to the nearest
    /// tags, without reading all of it.
    /// </summary>
    [CakeMethodAlias]
    public static IReadOnlyDictionary<string, IReadOnlyList<string>> GitParents(this ICakeContext context, string repositoryPath, IReadOnlySet<string> stopAt)
    {
        using var repository = Open(repositoryPath);
        var parents = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        var pending = new Stack<Commit>([Head(repository, repositoryPath)]);
        while (pending.TryPop(out var commit))
        {
            if (stopAt.Contains(commit.Sha) || parents.ContainsKey(commit.Sha)) continue;
            var commitParents = commit.Parents.ToList();
            parents[commit.Sha] = [.. commitParents.Select(p => p.Sha)];
            commitParents.ForEach(pending.Push);
        }
        return parents;
    }

    /// <summary>Every tag with the commit it points at (annotated tags peeled); tags of other objects are left out.</summary>
    [CakeMethodAlias]
    public static IReadOnlyList<GitTagInfo> GitTags(this ICakeContext context, string repositoryPath)
    {
        using var repository = Open(repositoryPath);
        return repository.Tags
            .Where(t => t.PeeledTarget is Commit)
            .Select(t => new GitTagInfo(t.FriendlyName, t.PeeledTarget.Sha, t.IsAnnotated))
            .ToList();
    }

    /// <summary>Stages the files (paths relative to the work tree), as <c>git add</c>.</summary>
    [CakeMethodAlias]
    public static void GitAdd(this ICakeContext context, string repositoryPath, params string[] paths)
    {
        using var repository = Open(repositoryPath);
        Commands.Stage(repository, paths);
    }

    /// <summary>Commits what is staged as the configured user (git config user.name/user.email); returns the new commit's SHA.</summary>
    [CakeMethodAlias]
    public static string GitCommit(this ICakeContext context, string repositoryPath, string message)
    {
        using var repository = Open(repositoryPath);
        var signature = Signature(repository);
        return repository.Commit(message, signature, signature).Sha;
    }

    /// <summary>Creates the annotated tag <paramref name="name"/> on HEAD, as <c>git tag -a NAME -m MESSAGE</c>.</summary>
    [CakeMethodAlias]
    public static void GitTag(this ICakeContext context, string repositoryPath, string name, string message)
    {
        using var repository = Open(repositoryPath);
        repository.Tags.Add(name, Head(repository, repositoryPath), Signature(repository), message);
    }

    /// <summary>The URL of the named remote, or null when there is no such remote.</summary>
    [CakeMethodAlias]
    public static string? GitRemoteUrl(this ICakeContext context, string repositoryPath, string remoteName)
    {
        using var repository = Open(repositoryPath);
        return repository.Network.Remotes[remoteName]?.PushUrl;
    }

    /// <summary>Whether the commit <paramref name="sha"/> is <paramref name="reference"/>'s commit or one of its ancestors.</summary>
    [CakeMethodAlias]
    public static bool GitIsAncestor(this ICakeContext context, string repositoryPath, string sha, string reference)
    {
        using var repository = Open(repositoryPath);
        var commit = repository.Lookup<Commit>(sha) ?? throw new InvalidOperationException($"No commit {sha} in '{repositoryPath}'.");
        var tip = repository.Lookup<Commit>(reference) ?? throw new InvalidOperationException($"No commit at {reference} in '{repositoryPath}'.");
        return repository.ObjectDatabase.FindMergeBase(commit, tip)?.Sha == commit.Sha;
    }

    internal static Repository Open(string repositoryPath)
    {
        var root = Repository.Discover(repositoryPath)
            ?? throw new InvalidOperationException($"'{repositoryPath}' is not inside a git repository: QtsOps versions and packages come from git commits.");
        return new Repository(root);
    }

    private static Commit Head(Repository repository, string repositoryPath) => repository.Head.Tip
        ?? throw new InvalidOperationException($"The git repository at '{repositoryPath}' has no commit yet: commit first.");

    private static Signature Signature(Repository repository) => repository.Config.BuildSignature(DateTimeOffset.Now)
        ?? throw new InvalidOperationException("git has no user to sign with: set it with git config user.name \"NAME\" and git config user.email \"EMAIL\".");
}
