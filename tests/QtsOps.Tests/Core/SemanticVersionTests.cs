using QtsOps.Core.Versioning;

namespace QtsOps.Tests.Core;

[Category("Core")]
public class SemanticVersionTests
{
    [TestCase("1.2.3")]
    [TestCase("0.0.0-alpha.0.12")]
    [TestCase("1.3.0-beta.2+build.7.dirty")]
    [TestCase("10.20.30-rc-1.x-y")]
    public void Valid_versions_read_and_write_back_unchanged(string text) =>
        Assert.That(SemanticVersion.Parse(text).ToString(), Is.EqualTo(text));

    [TestCase("1.2")]
    [TestCase("v1.2.3")]
    [TestCase("01.2.3")]
    [TestCase("1.2.3-beta.01")]
    [TestCase("1.2.3-")]
    [TestCase("1.2.3+")]
    [TestCase("1.2.3 ")]
    public void Anything_else_is_refused(string text)
    {
        Assert.That(SemanticVersion.TryParse(text, out _), Is.False);
        Assert.That(() => SemanticVersion.Parse(text), Throws.InstanceOf<FormatException>().With.Message.Contain("MAJOR.MINOR.PATCH"));
    }

    [Test]
    public void Null_and_a_number_too_large_for_an_int_are_refused()
    {
        Assert.That(SemanticVersion.TryParse(null, out _), Is.False);
        Assert.That(SemanticVersion.TryParse("1.2.99999999999", out _), Is.False);
    }

    [TestCase(-1, 0, 0)]
    [TestCase(0, -1, 0)]
    [TestCase(0, 0, -1)]
    public void No_part_may_be_negative(int major, int minor, int patch) =>
        Assert.That(() => new SemanticVersion(major, minor, patch), Throws.TypeOf<ArgumentOutOfRangeException>().With.Message.StartWith("Version numbers cannot be negative."));

    [Test]
    public void A_negative_height_is_refused() =>
        Assert.That(() => SemanticVersion.Parse("1.2.3").WithHeight(-1), Throws.TypeOf<ArgumentOutOfRangeException>());

    [Test]
    public void A_numeric_pre_release_identifier_sorts_before_an_alphanumeric_one_from_either_side()
    {
        Assert.That(SemanticVersion.Parse("1.0.0-alpha.beta").CompareTo(SemanticVersion.Parse("1.0.0-alpha.1")), Is.Positive);
        Assert.That(SemanticVersion.Parse("1.0.0-alpha.1").CompareTo(SemanticVersion.Parse("1.0.0-alpha.beta")), Is.Negative);
    }

    [Test]
    public void Versions_are_equal_only_as_written_build_metadata_included()
    {
        Assert.That(SemanticVersion.Parse("1.2.3+a"), Is.EqualTo(SemanticVersion.Parse("1.2.3+a")));
        Assert.That(SemanticVersion.Parse("1.2.3").Equals(SemanticVersion.Parse("1.2.4")), Is.False);
        Assert.That(SemanticVersion.Parse("1.2.3+a").Equals(SemanticVersion.Parse("1.2.3+b")), Is.False);
        Assert.That(SemanticVersion.Parse("1.2.3").Equals(null), Is.False);
        Assert.That(SemanticVersion.Parse("1.2.3+a").Equals((object)SemanticVersion.Parse("1.2.3+a")), Is.True);
        Assert.That(SemanticVersion.Parse("1.2.3").Equals((object)"1.2.3"), Is.False);
        Assert.That(SemanticVersion.Parse("1.2.3+a").GetHashCode(), Is.EqualTo(SemanticVersion.Parse("1.2.3+a").GetHashCode()));
        Assert.That(new HashSet<SemanticVersion> { SemanticVersion.Parse("1.2.3"), SemanticVersion.Parse("1.2.3"), SemanticVersion.Parse("1.2.3+a") }, Has.Count.EqualTo(2));
    }

    [Test]
    public void Precedence_follows_semver_2()
    {
        string[] ordered = ["1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta", "1.0.0-beta.2", "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0", "1.0.1", "1.1.0", "2.0.0"];
        var shuffled = ordered.Reverse().Select(SemanticVersion.Parse).ToList();

        Assert.That(shuffled.Order().Select(v => v.ToString()), Is.EqualTo(ordered));
        Assert.That(SemanticVersion.Parse("1.0.0+a").CompareTo(SemanticVersion.Parse("1.0.0+b")), Is.Zero);
    }

    [TestCase("1.2.3", 0, "1.2.3")]
    [TestCase("1.2.3", 1, "1.2.4-alpha.0.1")]
    [TestCase("1.3.0-beta.2", 4, "1.3.0-beta.2.4")]
    [TestCase("1.2.3+build.7", 2, "1.2.4-alpha.0.2")]
    public void Height_follows_minver(string tagged, int height, string expected) =>
        Assert.That(SemanticVersion.Parse(tagged).WithHeight(height).ToString(), Is.EqualTo(expected));

    [TestCase("1.2.3", VersionPart.Patch, "1.2.4")]
    [TestCase("1.2.3", VersionPart.Minor, "1.3.0")]
    [TestCase("1.2.3", VersionPart.Major, "2.0.0")]
    [TestCase("1.3.0-beta.2", VersionPart.Minor, "1.3.0")]
    [TestCase("1.3.1-beta.2", VersionPart.Minor, "1.4.0")]
    [TestCase("1.3.1-beta.2", VersionPart.Patch, "1.3.1")]
    [TestCase("2.0.0-rc.1", VersionPart.Major, "2.0.0")]
    [TestCase("1.2.3+build.1", VersionPart.Patch, "1.2.4")]
    [TestCase("1.2.0", VersionPart.Major, "2.0.0")]
    [TestCase("1.2.0-rc.1", VersionPart.Major, "2.0.0")]
    public void Bumps_release_a_pending_pre_release_or_raise_the_part(string from, VersionPart part, string expected) =>
        Assert.That(SemanticVersion.Parse(from).Bump(part).ToString(), Is.EqualTo(expected));

    [Test]
    public void The_docker_tag_form_replaces_the_plus_only()
    {
        Assert.That(SemanticVersion.Parse("1.2.4-alpha.0.1+dirty").ToDockerTag(), Is.EqualTo("1.2.4-alpha.0.1_dirty"));
        Assert.That(SemanticVersion.Parse("1.2.3").ToDockerTag(), Is.EqualTo("1.2.3"));
    }
}
