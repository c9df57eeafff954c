using QtsOps.Tools.GitHub;

namespace QtsOps.Tests.Core;

[Category("Core")]
public class GhReleaseTests
{
    [Test]
    public void The_release_of_an_existing_tag_gets_the_assets_the_notes_as_body_and_its_tag_as_title() =>
        Assert.That(new GhReleaseCreate("v1.2.3", "/b/notes.md", ["/b/SHA256SUMS", "/b/SHA256SUMS.sig"], PreRelease: false).Arguments(), Is.EqualTo(new[]
        {
            "release", "create", "v1.2.3", "/b/SHA256SUMS", "/b/SHA256SUMS.sig", "--title", "v1.2.3", "--notes-file", "/b/notes.md", "--verify-tag",
        }));

    [Test]
    public void A_pre_release_is_marked_as_one() =>
        Assert.That(new GhReleaseCreate("v1.3.0-rc.1", "/b/notes.md", [], PreRelease: true).Arguments()[^1], Is.EqualTo("--prerelease"));
}
