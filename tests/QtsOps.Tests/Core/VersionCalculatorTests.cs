using QtsOps.Core.Versioning;

namespace QtsOps.Tests.Core;

/// <summary>MinVer's rules on histories written out as commit → parents (GitVersionTests runs them on real git).</summary>
[Category("Core")]
public class VersionCalculatorTests
{
    /// <summary>"c2:c1" is commit c2 with parent c1; "m:a,b" a merge, first parent a; "c0:" a root commit.</summary>
    private static CalculatedVersion Calculate(string[] history, (string Tag, string Commit)[] tags, string? uncommittedInputs = null)
    {
        var parents = history.Select(h => h.Split(':')).ToDictionary(p => p[0], p => (IReadOnlyList<string>)p[1].Split(',', StringSplitOptions.RemoveEmptyEntries));
        return VersionCalculator.Calculate(history[0].Split(':')[0], sha => parents[sha], tags.Select(t => new VersionTagRef(t.Tag, t.Commit)), uncommittedInputs);
    }

    [Test]
    public void A_tagged_commit_is_that_version_and_a_release()
    {
        var version = Calculate(["c1:c0", "c0:"], [("v1.2.3", "c1")]);

        Assert.That((version.Version.ToString(), version.TagName, version.TagVersion?.ToString(), version.TagCommitSha, version.Height), Is.EqualTo(("1.2.3", "v1.2.3", "1.2.3", "c1", 0)));
        Assert.That((version.IsRelease, version.IsDirty, version.Explanation), Is.EqualTo((true, false, "tagged v1.2.3")));
    }

    [Test]
    public void Commits_after_a_release_tag_are_the_next_patch_alpha_with_the_height()
    {
        var version = Calculate(["c2:c1", "c1:c0", "c0:"], [("v1.2.3", "c0")]);

        Assert.That((version.Version.ToString(), version.Height, version.TagCommitSha), Is.EqualTo(("1.2.4-alpha.0.2", 2, "c0")));
        Assert.That((version.IsRelease, version.Explanation), Is.EqualTo((false, "2 commit(s) after v1.2.3")));
    }

    [TestCase(new[] { "c0:" }, "0.0.0-alpha.0", "no version tag; 0 commit(s) after the root commit")]
    [TestCase(new[] { "c2:c1", "c1:c0", "c0:" }, "0.0.0-alpha.0.2", "no version tag; 2 commit(s) after the root commit")]
    public void Without_a_version_tag_the_height_counts_from_the_root_commit(string[] history, string expected, string explanation)
    {
        var version = Calculate(history, [("release-1", "c0"), ("v1.2", "c0"), ("1.2.3", "c0")]);

        Assert.That((version.Version.ToString(), version.Explanation), Is.EqualTo((expected, explanation)));
        Assert.That((version.TagName, version.TagVersion, version.TagCommitSha, version.IsRelease), Is.EqualTo(((string?)null, (SemanticVersion?)null, (string?)null, false)));
    }

    [Test]
    public void Uncommitted_changes_add_dirty_and_the_inputs_hash_and_make_no_release()
    {
        var version = Calculate(["c0:"], [("v1.2.3", "c0")], uncommittedInputs: "1a2b3c4d");

        Assert.That((version.Version.ToString(), version.IsDirty, version.IsRelease), Is.EqualTo(("1.2.3+dirty.1a2b3c4d", true, false)));
        Assert.That(version.Explanation, Is.EqualTo("tagged v1.2.3; uncommitted changes"));
    }

    [Test]
    public void Of_two_tags_on_one_commit_the_higher_version_wins() =>
        Assert.That(Calculate(["c0:"], [("v1.3.0-rc.1", "c0"), ("v1.3.0", "c0")]).TagName, Is.EqualTo("v1.3.0"));

    [Test]
    public void Where_history_diverges_the_highest_nearest_tag_wins_with_its_own_height()
    {
        // main: m → main2 → main1 (v1.0.1); feature: m → feat1 (v1.1.0-beta.1); both from base (v1.0.0).
        var version = Calculate(["m:main2,feat1", "main2:main1", "main1:base", "feat1:base", "base:"], [("v1.0.0", "base"), ("v1.0.1", "main1"), ("v1.1.0-beta.1", "feat1")]);

        Assert.That((version.Version.ToString(), version.TagName), Is.EqualTo(("1.1.0-beta.1.1", "v1.1.0-beta.1")));
    }

    [Test]
    public void Where_paths_converge_again_the_height_of_the_first_path_counts()
    {
        // First parent: m → short → shared → base is 3 commits; the long path would be 5.
        var version = Calculate(["m:short,long3", "short:shared", "long3:long2", "long2:long1", "long1:shared", "shared:base", "base:"], [("v1.0.0", "base")]);

        Assert.That(version.Version.ToString(), Is.EqualTo("1.0.1-alpha.0.3"));
    }

    [Test]
    public void Of_two_equal_versions_the_tag_the_first_path_meets_wins()
    {
        // 1.0.0 and 1.0.0+b have the same precedence: the first parent's path decides, though the other tag is nearer.
        var version = Calculate(["m:a1,b1", "a1:a0", "a0:", "b1:"], [("v1.0.0", "a0"), ("v1.0.0+b", "b1")]);

        Assert.That((version.TagName, version.Height), Is.EqualTo(("v1.0.0", 2)));
    }

    [Test]
    public void A_tag_hides_the_tags_behind_it_even_higher_ones() =>
        Assert.That(Calculate(["c1:c0", "c0:"], [("v1.0.0", "c1"), ("v2.0.0", "c0")]).Version.ToString(), Is.EqualTo("1.0.0"));

    [TestCase("v1.2.3", "1.2.3")]
    [TestCase("v1.3.0-beta.2+build.7", "1.3.0-beta.2+build.7")]
    [TestCase("1.2.3", null)]
    [TestCase("version1.2.3", null)]
    [TestCase("v1.2", null)]
    public void Only_v_and_a_semver_is_a_version_tag(string tag, string? expected) =>
        Assert.That(VersionCalculator.ParseTag(tag)?.ToString(), Is.EqualTo(expected));

    [Test]
    public void The_tag_of_a_version_is_v_and_the_version() =>
        Assert.That(VersionCalculator.TagNameOf(SemanticVersion.Parse("1.3.0-rc.1")), Is.EqualTo("v1.3.0-rc.1"));

    [Test]
    public void The_highest_tag_is_chosen_by_precedence_among_version_tags_only()
    {
        Assert.That(VersionCalculator.HighestTag(["v1.1.0", "v1.10.0-rc.1", "v1.9.0", "zzz", "v2"]), Is.EqualTo(("v1.10.0-rc.1", SemanticVersion.Parse("1.10.0-rc.1"))));
        Assert.That(VersionCalculator.HighestTag(["latest", "release-1"]), Is.Null);
    }
}
