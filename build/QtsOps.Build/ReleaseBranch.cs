using Cake.Core;
using QtsOps.Core.Environments;
using QtsOps.Tools.Git;

namespace QtsOps.Build;

/// <summary>
/// A protected environment takes commits of the release branch only (--release-branch, main unless the
/// project says otherwise), as origin has it now: the branch is fetched first, so a stale copy here
/// neither refuses a release just merged nor admits a commit the branch no longer has.
/// </summary>
public sealed class ReleaseBranch(ICakeContext git, Checkout checkout, string repositoryRoot, ProtectionPolicy protection, string branch)
{
    public const string Remote = "origin";

    /// <summary>Throws unless <paramref name="environment"/> is unprotected or this commit is on the release branch.</summary>
    public void Require(string environment)
    {
        if (!protection.IsProtected(environment)) return;
        var settings = new GitFetchBranchSettings { Remote = Remote, Branch = branch, WorkingDirectory = repositoryRoot };
        try
        {
            git.GitFetchBranch(settings);
        }
        catch (GitCommandException exception)
        {
            throw new PipelineException($"{environment} takes commits of the release branch only, and '{branch}' could not be read from {Remote}: {exception.Message}\n" +
                $"Fix: make sure {Remote} is reachable and has the branch '{branch}' (git ls-remote {Remote} {branch}), or name the release branch with --release-branch=NAME (QTSOPS_RELEASE_BRANCH).");
        }
        var commit = checkout.Commit.Sha;
        var onBranch = git.GitIsAncestor(repositoryRoot, commit, settings.TrackingReference);
        if (protection.BranchRefusal(environment, $"commit {commit[..12]} ({checkout.Version})", Remote, branch, onBranch) is { } refusal)
            throw new PipelineException(refusal);
    }
}
