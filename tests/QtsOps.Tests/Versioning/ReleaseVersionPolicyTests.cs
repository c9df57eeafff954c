using QtsOps.Release.Versioning;

namespace QtsOps.Tests.Versioning;

public class ReleaseVersionPolicyTests
{
    private static CalculatedVersion Tagged(bool dirty = false) =>
        new(SemanticVersion.Parse(dirty ? "1.2.3+dirty" : "1.2.3"), "v1.2.3", SemanticVersion.Parse("1.2.3"), "abc", 0, dirty);

    private static readonly CalculatedVersion Untagged =
        new(SemanticVersion.Parse("1.2.4-alpha.0.1"), "v1.2.3", SemanticVersion.Parse("1.2.3"), "abc", 1, false);

    [Test]
    public void Prod_takes_a_tagged_clean_commit() => Assert.That(ReleaseVersionPolicy.Refusal("prod", Tagged()), Is.Null);

    [Test]
    public void Prod_refuses_a_commit_after_the_tag_and_says_how_to_get_a_release()
    {
        var refusal = ReleaseVersionPolicy.Refusal("prod", Untagged);

        Assert.That(refusal, Does.Contain("prod deploys release versions only").And.Contain("1.2.4-alpha.0.1").And.Contain("1 commit(s) after v1.2.3")
            .And.Contain("--target=release"));
    }

    [Test]
    public void Prod_refuses_a_tagged_commit_with_uncommitted_changes() =>
        Assert.That(ReleaseVersionPolicy.Refusal("prod", Tagged(dirty: true)), Does.Contain("uncommitted changes").And.Contain("commit or stash"));

    [TestCase("local")]
    [TestCase("staging")]
    public void Other_environments_take_any_version(string environment) =>
        Assert.That(ReleaseVersionPolicy.Refusal(environment, Untagged), Is.Null);
}
