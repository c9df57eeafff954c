using QtsOps.Core.Releasing;

namespace QtsOps.Tests.Core;

[Category("Core")]
public class ChangelogTests
{
    private const string Section = "## 1.3.0 (2026-03-04)\n\n### Fixes\n\n- one (abc1234)\n";

    [Test]
    public void A_new_changelog_gets_a_title()
    {
        Assert.That(Changelog.Prepend(null, Section), Does.StartWith("# Changelog\n\n").And.EndWith(Section));
    }

    [Test]
    public void The_section_goes_below_the_title_and_above_the_newest_release()
    {
        const string existing = "# Changelog\n\nIntro.\n\n## 1.2.3 (2026-01-01)\n\n- old\n";

        var text = Changelog.Prepend(existing, Section);

        Assert.That(text, Is.EqualTo("# Changelog\n\nIntro.\n\n" + Section + "\n## 1.2.3 (2026-01-01)\n\n- old\n"));
    }

    [Test]
    public void A_changelog_without_releases_gets_the_section_at_the_end_and_windows_line_ends_are_normalised()
    {
        Assert.That(Changelog.Prepend("# Changelog\r\n\r\nNothing yet.\r\n", Section), Is.EqualTo("# Changelog\n\nNothing yet.\n\n" + Section));
        Assert.That(Changelog.Prepend("## 1.0.0\n", Section), Is.EqualTo(Section + "\n## 1.0.0\n"));
    }

    [Test]
    public void A_release_s_section_runs_from_its_heading_to_the_next_release_s()
    {
        const string changelog = "## 1.3.0 (2026-03-04)\n\n- newest\n\n## 1.2.0 (2026-02-01)\n\n- middle\n\n## 1.1.0 (2026-01-01)\n\n- oldest\n";

        Assert.That(Changelog.SectionOf(changelog, "1.3.0"), Is.EqualTo("## 1.3.0 (2026-03-04)\n\n- newest\n"), "the first line of the file");
        Assert.That(Changelog.SectionOf("# Changelog\r\n\r\n" + changelog, "1.2.0"), Is.EqualTo("## 1.2.0 (2026-02-01)\n\n- middle\n"));
        Assert.That(Changelog.SectionOf(changelog, "1.1.0"), Is.EqualTo("## 1.1.0 (2026-01-01)\n\n- oldest\n"), "the last section");
        Assert.That(Changelog.SectionOf(changelog, "1.0.0"), Is.Null);
        Assert.That(Changelog.SectionOf(null, "1.0.0"), Is.Null);
    }
}
