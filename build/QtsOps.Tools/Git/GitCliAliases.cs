using Cake.Core;
using Cake.Core.Annotations;

namespace QtsOps.Tools.Git;

/// <summary>Git aliases over the git CLI, for what talks to a remote: every transport (SSH, HTTPS, local paths) and the user's git configuration.</summary>
[CakeAliasCategory("Git")]
public static class GitCliAliases
{
    /// <summary><c>git remote get-url --push</c>: the URL a push goes to, user information removed; null when there is no such remote.</summary>
    [CakeMethodAlias]
    public static string? GitPushUrl(this ICakeContext context, GitPushUrlSettings settings) => new GitRunner(context).PushUrl(settings);

    /// <summary><c>git tag -s</c> with an SSH key: the annotated tag on HEAD, signed.</summary>
    [CakeMethodAlias]
    public static void GitSignedTag(this ICakeContext context, GitSignedTagSettings settings) => new GitRunner(context).SignedTag(settings);

    /// <summary><c>git ls-remote --tags --refs</c>: the remote's tag names, without fetching anything.</summary>
    [CakeMethodAlias]
    public static IReadOnlyList<string> GitRemoteTags(this ICakeContext context, GitRemoteTagsSettings settings) => new GitRunner(context).RemoteTags(settings);

    /// <summary>Updates the remote-tracking reference of one branch (<see cref="GitFetchBranchSettings.TrackingReference"/>) from the remote.</summary>
    /// <exception cref="GitCommandException">The remote has no such branch, or could not be reached.</exception>
    [CakeMethodAlias]
    public static void GitFetchBranch(this ICakeContext context, GitFetchBranchSettings settings) => new GitRunner(context).FetchBranch(settings);

    /// <summary><c>git push --atomic</c>: all the references land, or none does.</summary>
    /// <exception cref="GitCommandException">The remote refused a reference, or could not be reached.</exception>
    [CakeMethodAlias]
    public static void GitPush(this ICakeContext context, GitPushSettings settings) => new GitRunner(context).Push(settings);
}
