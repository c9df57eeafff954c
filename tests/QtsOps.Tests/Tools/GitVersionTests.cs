using QtsOps.Build;
using QtsOps.Host;
using QtsOps.Core.Versioning;
using QtsOps.Tests.Host;

namespace QtsOps.Tests.Tools;

/// <summary>Records the version the pipeline computes for the repository it runs in.</summary>
[TaskName("version-probe")]
public sealed class VersionProbeTask : FrostingTask<BuildContext>
{
    public static CalculatedVersion? Seen { get; set; }
    public static string? SeenTag { get; set; }

    public override void Run(BuildContext context)
    {
        Seen = context.Checkout.VersionInfo;
        SeenTag = context.Checkout.VersionTag;
    }
}

/// <summary>Every version rule, on real git repositories read by the pipeline's context.</summary>
public class GitVersionTests
{
    private static CalculatedVersion VersionOf(TempGitRepository repo)
    {
        VersionProbeTask.Seen = null;
        var run = InProcessPipeline.Run(repo.Path, ["--target=version-probe"], typeof(VersionProbeTask));
        Assert.That(run.ExitCode, Is.Zero, run.Error);
        return VersionProbeTask.Seen!;
    }

    [Test]
    public void A_commit_tagged_vXYZ_is_that_version_and_a_release()
    {
        using var repo = new TempGitRepository();
        repo.Commit("feat: first");
        repo.Tag("v1.2.3");

        var version = VersionOf(repo);

        Assert.That(version.Version.ToString(), Is.EqualTo("1.2.3"));
        Assert.That(version.IsRelease, Is.True);
        Assert.That(version.Explanation, Is.EqualTo("tagged v1.2.3"));
    }

    [Test]
    public void A_lightweight_tag_counts_like_an_annotated_one()
    {
        using var repo = new TempGitRepository();
        repo.Commit("feat: first");
        repo.Tag("v2.0.0", annotated: false);

        Assert.That(VersionOf(repo).Version.ToString(), Is.EqualTo("2.0.0"));
    }

    [Test]
    public void One_commit_after_a_release_tag_is_the_next_patch_alpha_with_the_height()
    {
        using var repo = new TempGitRepository();
        repo.Commit("feat: first");
        repo.Tag("v1.2.3");
        repo.Commit("feat: second");

        var version = VersionOf(repo);

        Assert.That(version.Version.ToString(), Is.EqualTo("1.2.4-alpha.0.1"));
        Assert.That(version.IsRelease, Is.False);
        Assert.That(version.Explanation, Is.EqualTo("1 commit(s) after v1.2.3"));
    }

    [Test]
    public void After_a_pre_release_tag_the_height_is_appended()
    {
        using var repo = new TempGitRepository();
        repo.Commit("feat: first");
        repo.Tag("v1.3.0-beta.2");
        repo.Commit("fix: one");
        repo.Commit("fix: two");

        Assert.That(VersionOf(repo).Version.ToString(), Is.EqualTo("1.3.0-beta.2.2"));
    }

    [Test]
    public void Without_any_tag_the_version_is_0_0_0_alpha_0_with_the_height_from_the_root_commit()
    {
        using var repo = new TempGitRepository();
        repo.Commit("one");
        repo.Commit("two");
        repo.Commit("three");

        var version = VersionOf(repo);

        Assert.That(version.Version.ToString(), Is.EqualTo("0.0.0-alpha.0.2"));
        Assert.That(version.TagName, Is.Null);
    }

    [Test]
    public void Uncommitted_changes_add_the_dirty_build_metadata_which_docker_tags_spell_with_an_underscore()
    {
        using var repo = new TempGitRepository();
        repo.Commit("feat: first");
        repo.Tag("v1.2.3");
        repo.Commit("feat: second");
        repo.Write("service.py", "print('work in progress')"); // untracked counts

        var version = VersionOf(repo);

        Assert.That(version.Version.ToString(), Does.Match(@"^1\.2\.4-alpha\.0\.1\+dirty\.[0-9a-f]{8}$"));
        Assert.That(VersionProbeTask.SeenTag, Is.EqualTo(version.Version.ToString().Replace('+', '_')));
        Assert.That(version.IsRelease, Is.False);
    }

    [Test]
    public void Different_uncommitted_service_changes_get_different_versions_and_the_same_changes_the_same_one()
    {
        using var repo = new TempGitRepository();
        repo.Write("src/observer/Dockerfile", "FROM base");
        repo.Commit("feat: first");
        repo.Write("src/observer/Dockerfile", "FROM base\nCMD [\"one\"]");
        var first = VersionOf(repo).Version.ToString();
        repo.Write("src/observer/Dockerfile", "FROM base\nCMD [\"two\"]");
        var second = VersionOf(repo).Version.ToString();
        repo.Write("README.md", "a change that does not ship");

        Assert.That(second, Is.Not.EqualTo(first), "the second build must not replace the first one's image and release");
        Assert.That(VersionOf(repo).Version.ToString(), Is.EqualTo(second));
        Assert.That(second, Does.StartWith("0.0.0-alpha.0+dirty."));
    }

    [Test]
    public void A_tagged_commit_with_changes_is_dirty_and_no_release()
    {
        using var repo = new TempGitRepository();
        repo.Commit("feat: first");
        repo.Tag("v1.2.3");
        File.AppendAllText(repo.Combine("QtsOps.sln"), "edited");

        var version = VersionOf(repo);

        Assert.That(version.Version.ToString(), Does.StartWith("1.2.3+dirty."));
        Assert.That(version.IsRelease, Is.False);
    }

    [Test]
    public void Tags_that_are_not_v_plus_semver_are_ignored()
    {
        using var repo = new TempGitRepository();
        repo.Commit("feat: first");
        repo.Tag("v1.0.0");
        repo.Commit("feat: second");
        repo.Tag("v2.0");
        repo.Tag("release-3.0.0");
        repo.Tag("3.0.0");
        repo.Tag("latest");

        Assert.That(VersionOf(repo).Version.ToString(), Is.EqualTo("1.0.1-alpha.0.1"));
    }

    [Test]
    public void Of_two_tags_on_one_commit_the_higher_version_wins()
    {
        using var repo = new TempGitRepository();
        repo.Commit("feat: first");
        repo.Tag("v1.3.0-rc.1");
        repo.Tag("v1.3.0");

        Assert.That(VersionOf(repo).Version.ToString(), Is.EqualTo("1.3.0"));
    }

    [Test]
    public void A_tag_build_metadata_belongs_to_the_tagged_commit_only()
    {
        using var repo = new TempGitRepository();
        repo.Commit("feat: first");
        repo.Tag("v1.2.3+build.7");
        Assert.That(VersionOf(repo).Version.ToString(), Is.EqualTo("1.2.3+build.7"));

        repo.Commit("fix: second");
        Assert.That(VersionOf(repo).Version.ToString(), Is.EqualTo("1.2.4-alpha.0.1"));
    }

    [Test]
    public void Where_history_diverges_the_highest_version_among_the_nearest_tags_wins_with_its_first_path_height()
    {
        using var repo = new TempGitRepository();
        repo.Commit("feat: base");
        repo.Tag("v1.0.0");
        repo.CreateBranch("feature");
        repo.Commit("feat: on feature");
        repo.Tag("v1.1.0-beta.1");
        repo.Commit("feat: more on feature");
        repo.Checkout("main");
        repo.Commit("fix: on main");
        repo.Tag("v1.0.1");
        repo.Commit("fix: more on main");
        repo.Commit("fix: even more on main");
        repo.Merge("feature");

        // main's first-parent path meets v1.0.1 at height 3; the feature path meets v1.1.0-beta.1 at height 2.
        var version = VersionOf(repo);

        Assert.That(version.Version.ToString(), Is.EqualTo("1.1.0-beta.1.2"));
        Assert.That(version.TagName, Is.EqualTo("v1.1.0-beta.1"));
    }

    [Test]
    public void A_tag_on_a_branch_that_is_not_merged_does_not_count()
    {
        using var repo = new TempGitRepository();
        repo.Commit("feat: base");
        repo.Tag("v1.0.0");
        repo.CreateBranch("experiment");
        repo.Commit("feat: experiment");
        repo.Tag("v9.0.0");
        repo.Checkout("main");
        repo.Commit("fix: on main");

        Assert.That(VersionOf(repo).Version.ToString(), Is.EqualTo("1.0.1-alpha.0.1"));
    }

    [Test]
    public void Where_paths_converge_again_the_height_of_the_first_path_counts()
    {
        using var repo = new TempGitRepository();
        repo.Commit("feat: base");
        repo.Tag("v1.0.0");
        repo.Commit("feat: shared");
        repo.CreateBranch("long");
        repo.Commit("feat: long one");
        repo.Commit("feat: long two");
        repo.Commit("feat: long three");
        repo.Checkout("main");
        repo.Commit("fix: short");
        repo.Merge("long");

        // First parent: merge -> short -> shared -> v1.0.0 is 3 commits; the long path would be 5.
        Assert.That(VersionOf(repo).Version.ToString(), Is.EqualTo("1.0.1-alpha.0.3"));
    }
}
