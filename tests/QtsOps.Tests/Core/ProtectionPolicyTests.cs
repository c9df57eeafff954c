using QtsOps.Core.Environments;
using QtsOps.Core.Versioning;

namespace QtsOps.Tests.Core;

[Category("Core")]
public class ProtectionPolicyTests
{
    private static CalculatedVersion Tagged(bool dirty = false) =>
        new(SemanticVersion.Parse(dirty ? "1.2.3+dirty" : "1.2.3"), "v1.2.3", SemanticVersion.Parse("1.2.3"), "abc", 0, dirty);

    private static readonly CalculatedVersion TaggedPreRelease =
        new(SemanticVersion.Parse("1.4.0-rc.1"), "v1.4.0-rc.1", SemanticVersion.Parse("1.4.0-rc.1"), "abc", 0, false);

    private static readonly CalculatedVersion Untagged =
        new(SemanticVersion.Parse("1.2.4-alpha.0.1"), "v1.2.3", SemanticVersion.Parse("1.2.3"), "abc", 1, false);

    private static ProtectionPolicy Policy(bool approved = false, bool allowPreRelease = false, params string[] added) => new(["prod"], added, approved, allowPreRelease);

    [Test]
    public void Prod_takes_a_tagged_clean_commit() => Assert.That(Policy().VersionRefusal("prod", Tagged()), Is.Null);

    [Test]
    public void Prod_refuses_a_commit_after_the_tag_and_says_how_to_get_a_release()
    {
        var refusal = Policy().VersionRefusal("prod", Untagged);

        Assert.That(refusal, Does.Contain("prod deploys release versions only").And.Contain("1.2.4-alpha.0.1").And.Contain("1 commit(s) after v1.2.3")
            .And.Contain("--target=release"));
    }

    [Test]
    public void Prod_refuses_a_tagged_commit_with_uncommitted_changes() =>
        Assert.That(Policy().VersionRefusal("prod", Tagged(dirty: true)), Does.Contain("uncommitted changes").And.Contain("commit or stash"));

    [TestCase("local")]
    [TestCase("staging")]
    public void Other_environments_take_any_version(string environment) =>
        Assert.That(Policy().VersionRefusal(environment, Untagged), Is.Null);

    [Test]
    public void An_added_environment_is_protected_for_versions_and_changes_alike()
    {
        var policy = Policy(added: "staging");

        Assert.That(policy.ProtectedEnvironments, Is.EquivalentTo(new[] { "prod", "staging" }));
        Assert.That(policy.VersionRefusal("staging", Untagged), Does.Contain("staging deploys release versions only"));
        Assert.That(policy.ChangeRefusal("staging", ProtectedChange.Deploy), Does.Contain("'staging' is protected: deploying to it needs --approve"));
        Assert.That(policy.ChangeRefusal("local", ProtectedChange.Deploy), Is.Null);
    }

    [TestCase(ProtectedChange.Apply, "applying a plan to it")]
    [TestCase(ProtectedChange.Deploy, "deploying to it")]
    [TestCase(ProtectedChange.Rollback, "rolling it back")]
    [TestCase(ProtectedChange.Restore, "restoring a backup of its data")]
    [TestCase(ProtectedChange.Down, "taking it down")]
    [TestCase(ProtectedChange.Restart, "starting its stopped release again")]
    public void Every_change_to_a_protected_environment_needs_approval(ProtectedChange change, string what)
    {
        Assert.That(Policy().ChangeRefusal("prod", change), Is.EqualTo($"'prod' is protected: {what} needs --approve."));
        Assert.That(Policy(approved: true).ChangeRefusal("prod", change), Is.Null);
    }

    [Test]
    public void A_protected_environment_takes_commits_of_the_release_branch_only_and_says_which_and_how_to_fix()
    {
        Assert.That(Policy().BranchRefusal("prod", "commit 0123456789ab (1.2.3)", "origin", "main", onReleaseBranch: true), Is.Null);
        Assert.That(Policy().BranchRefusal("staging", "commit 0123456789ab (1.2.3)", "origin", "main", onReleaseBranch: false), Is.Null, "unprotected");
        Assert.That(Policy().BranchRefusal("prod", "commit 0123456789ab (1.2.3)", "origin", "release", onReleaseBranch: false), Is.EqualTo(
            "prod takes commits of the release branch only, and commit 0123456789ab (1.2.3) is not on origin/release (not one of its ancestors): a tag on it does not make it a release. " +
            "To fix: merge it into release, push, and release from there (./build.sh --target=release on release); " +
            "or, when the project releases from another branch, name it with --release-branch=NAME (QTSOPS_RELEASE_BRANCH)."));
    }

    [Test]
    public void A_tagged_pre_release_reaches_a_protected_environment_only_with_allow_prerelease()
    {
        Assert.That(Policy().VersionRefusal("prod", TaggedPreRelease), Is.EqualTo(
            "prod takes final releases only: 1.4.0-rc.1 (v1.4.0-rc.1) is a pre-release. To fix: release it (./build.sh --target=release --bump=patch|minor|major " +
            "releases a pre-release as is), or pass --allow-prerelease to deploy the pre-release there."));
        Assert.That(Policy(allowPreRelease: true).VersionRefusal("prod", TaggedPreRelease), Is.Null);
        Assert.That(Policy().VersionRefusal("staging", TaggedPreRelease), Is.Null, "unprotected environments take pre-releases");
        Assert.That(Policy(allowPreRelease: true).VersionRefusal("prod", Untagged), Does.Contain("release versions only"), "--allow-prerelease admits tagged pre-releases, not untagged builds");
    }
}
