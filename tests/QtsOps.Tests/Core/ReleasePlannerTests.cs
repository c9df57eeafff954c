using QtsOps.Core.Releasing;
using QtsOps.Core.Versioning;

namespace QtsOps.Tests.Core;

[Category("Core")]
public class ReleasePlannerTests
{
    private static readonly DateOnly Day = new(2026, 3, 4);

    private static RepositoryState State(string? tag = "v1.2.3", int height = 2, string? branch = "main", bool dirty = false, params string[] otherTags)
    {
        var tagVersion = tag is null ? null : VersionCalculator.ParseTag(tag);
        var current = new CalculatedVersion((tagVersion ?? SemanticVersion.Parse("0.0.0-alpha.0")).WithHeight(height), tag, tagVersion, tag is null ? null : "c0ffee", height, dirty);
        string[] tags = tag is null ? otherTags : [tag, .. otherTags];
        return new RepositoryState(branch, dirty, current, tags, [new ReleaseChange("1234567890", "feat: x", false)]);
    }

    private static ReleasePlan Plan(RepositoryState state, string? bump = null, string? version = null, string branch = "main") =>
        ReleasePlanner.Plan(ReleaseRequest.Parse(bump, version, branch), state, Day);

    [TestCase("patch", "1.2.4")]
    [TestCase("minor", "1.3.0")]
    [TestCase("MAJOR", "2.0.0")]
    public void A_bump_raises_the_last_tag(string bump, string expected)
    {
        var plan = Plan(State(), bump: bump);

        Assert.That(plan.Version.ToString(), Is.EqualTo(expected));
        Assert.That(plan.TagName, Is.EqualTo("v" + expected));
        Assert.That(plan.CommitMessage, Is.EqualTo($"chore(release): v{expected}"));
        Assert.That(plan.Notes, Does.StartWith($"## {expected} (2026-03-04)"));
        Assert.That(plan.TagMessage, Does.StartWith($"Release v{expected}\n\n## {expected}"));
    }

    [Test]
    public void Without_any_tag_a_bump_starts_from_0_0_0() =>
        Assert.That(Plan(State(tag: null), bump: "minor").Version.ToString(), Is.EqualTo("0.1.0"));

    [Test]
    public void A_bump_after_a_pre_release_releases_it() =>
        Assert.That(Plan(State(tag: "v1.3.0-rc.1"), bump: "minor").Version.ToString(), Is.EqualTo("1.3.0"));

    [TestCase("1.5.0")]
    [TestCase("v1.5.0")]
    public void An_exact_version_is_taken_with_or_without_v(string version) =>
        Assert.That(Plan(State(), version: version).TagName, Is.EqualTo("v1.5.0"));

    [TestCase(null, null, "exactly one of")]
    [TestCase("minor", "1.3.0", "exactly one of")]
    [TestCase("huge", null, "--bump=huge: use major, minor or patch")]
    [TestCase("1", null, "--bump=1: use major, minor or patch")]
    [TestCase(null, "1.3", "--version=1.3 is not a SemVer version")]
    [TestCase(null, "1.3.0+build.1", "carries no build metadata")]
    public void A_malformed_request_is_refused(string? bump, string? version, string message) =>
        Assert.That(() => ReleaseRequest.Parse(bump, version, "main"), Throws.TypeOf<ReleaseRefusedException>().With.Message.Contain(message));

    [Test]
    public void Refuses_a_dirty_tree() =>
        Assert.That(() => Plan(State(dirty: true), bump: "patch"), Throws.TypeOf<ReleaseRefusedException>().With.Message.Contain("uncommitted changes"));

    [Test]
    public void Refuses_another_branch_and_a_detached_head()
    {
        Assert.That(() => Plan(State(branch: "feature"), bump: "patch"), Throws.TypeOf<ReleaseRefusedException>().With.Message.Contain("this is 'feature'"));
        Assert.That(() => Plan(State(branch: null), bump: "patch"), Throws.TypeOf<ReleaseRefusedException>().With.Message.Contain("HEAD is detached"));
        Assert.That(Plan(State(branch: "release/1.x"), bump: "patch", branch: "release/1.x").Version.ToString(), Is.EqualTo("1.2.4"));
    }

    [Test]
    public void The_wrong_branch_refusal_says_how_to_get_on_the_release_branch() =>
        Assert.That(() => Plan(State(branch: "feature"), bump: "patch"), Throws.TypeOf<ReleaseRefusedException>().With.Message.EqualTo(
            "Releases are cut on 'main', and this is 'feature'. Check out main (git checkout main), or name the release branch with --release-branch=NAME."));

    [Test]
    public void The_plan_counts_the_changes_but_not_the_merge_commits()
    {
        var state = State() with
        {
            Changes = [new ReleaseChange("1111111111", "feat: x", false), new ReleaseChange("2222222222", "Merge branch 'x'", true), new ReleaseChange("3333333333", "fix: y", false)],
        };

        Assert.That(Plan(state, bump: "patch").ChangeCount, Is.EqualTo(2));
    }

    [Test]
    public void Refuses_an_existing_tag_even_elsewhere_in_the_repository() =>
        Assert.That(() => Plan(State(otherTags: "v1.3.0"), bump: "minor"), Throws.TypeOf<ReleaseRefusedException>().With.Message.Contain("The tag v1.3.0 exists already"));

    [Test]
    public void Refuses_a_version_not_above_the_last_one() =>
        Assert.That(() => Plan(State(), version: "1.2.0"), Throws.TypeOf<ReleaseRefusedException>().With.Message.Contain("1.2.0 is not above the last version 1.2.3"));

    [TestCase("patch", null, "1.2.4")]
    [TestCase(null, "1.4.0", "1.4.0")]
    [TestCase(null, "1.4.1-rc.1", "1.4.1-rc.1")]
    public void Refuses_a_version_not_above_a_local_tag_on_another_branch(string? bump, string? version, string planned)
    {
        // HEAD derives from v1.2.3; v1.4.1 was released from another branch, so HEAD does not reach it.
        var state = State(otherTags: ["v1.4.1", "v1.0.0", "deploy-2026"]);

        Assert.That(() => Plan(state, bump: bump, version: version), Throws.TypeOf<ReleaseRefusedException>().With.Message
            .Contain($"{planned} is not above the last version 1.4.1 (v1.4.1, a tag that is not in the history of HEAD").And.Message.Contain("--version"));
        Assert.That(Plan(state, version: "1.5.0").Version.ToString(), Is.EqualTo("1.5.0"));
    }

    [TestCase("1.3.0")]
    [TestCase("1.2.9")]
    public void Refuses_a_version_at_or_below_one_the_remote_has(string version)
    {
        var state = State() with { Remote = new RemoteTags("origin", ["v1.2.3", "v1.3.0", "not-a-version"]) };

        Assert.That(() => Plan(state, version: version), Throws.TypeOf<ReleaseRefusedException>().With.Message
            .Contain($"{version} is not above 1.3.0, which origin has (tag v1.3.0)").And.Message.Contain("git pull --tags origin main"));
    }

    [Test]
    public void A_bump_from_an_older_tag_is_refused_when_the_remote_went_further() =>
        Assert.That(() => Plan(State() with { Remote = new RemoteTags("origin", ["v1.3.0"]) }, bump: "patch"),
            Throws.TypeOf<ReleaseRefusedException>().With.Message.Contain("1.2.4 is not above 1.3.0"));

    [Test]
    public void A_version_above_every_remote_version_is_planned()
    {
        Assert.That(Plan(State() with { Remote = new RemoteTags("origin", ["v1.3.0-rc.1", "deploy-2026"]) }, bump: "minor").Version.ToString(), Is.EqualTo("1.3.0"));
        Assert.That(Plan(State() with { Remote = new RemoteTags("origin", []) }, bump: "patch").Version.ToString(), Is.EqualTo("1.2.4"));
    }
}
