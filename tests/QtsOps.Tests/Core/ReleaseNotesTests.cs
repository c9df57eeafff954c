using QtsOps.Core.Releasing;
using QtsOps.Core.Versioning;

namespace QtsOps.Tests.Core;

[Category("Core")]
public class ReleaseNotesTests
{
    private static readonly DateOnly Day = new(2026, 3, 4);

    private static ReleaseChange Change(string message, bool merge = false) => new(Guid.NewGuid().ToString("N"), message, merge);

    [Test]
    public void Groups_by_type_in_a_fixed_order_with_breaking_changes_first()
    {
        var notes = ReleaseNotes.Section(SemanticVersion.Parse("2.0.0"), Day, "v1.2.3",
        [
            Change("chore: bump tools"),
            Change("fix(health): answer 503 when the disk is full"),
            Change("perf: cache the config"),
            Change("feat!: new record format\n\nBREAKING CHANGE: readers must upgrade."),
            Change("feat(observer): hourly snapshots"),
            Change("Merge branch 'feature'", merge: true),
        ]);

        var lines = notes.Split('\n');
        Assert.That(lines[0], Is.EqualTo("## 2.0.0 (2026-03-04)"));
        var headings = lines.Where(l => l.StartsWith("### ", StringComparison.Ordinal));
        Assert.That(headings, Is.EqualTo(new[] { "### ⚠ Breaking changes", "### Features", "### Fixes", "### Performance", "### Other" }));
        Assert.That(notes, Does.Match(@"### ⚠ Breaking changes\n\n- new record format \([0-9a-f]{7}\): readers must upgrade\.\n"));
        Assert.That(notes, Does.Match(@"### Features\n\n- new record format \([0-9a-f]{7}\)\n- \*\*observer:\*\* hourly snapshots \([0-9a-f]{7}\)\n"));
        Assert.That(notes, Does.Contain("- **health:** answer 503 when the disk is full ("));
        Assert.That(notes, Does.Contain("### Other\n\n- chore: bump tools ("));
        Assert.That(notes, Does.Not.Contain("Merge branch"));
    }

    [Test]
    public void Empty_groups_are_left_out_and_no_changes_is_said()
    {
        var onlyFix = ReleaseNotes.Section(SemanticVersion.Parse("1.2.4"), Day, "v1.2.3", [Change("fix: one")]);
        var nothing = ReleaseNotes.Section(SemanticVersion.Parse("1.3.0"), Day, "v1.3.0-rc.1", []);

        Assert.That(onlyFix, Does.Not.Contain("### Features").And.Not.Contain("### Other"));
        Assert.That(nothing, Is.EqualTo("## 1.3.0 (2026-03-04)\n\nNo changes since v1.3.0-rc.1.\n"));
    }
    private static ReleaseChange Sha(string sha, string message) => new(sha, message, false);

    [Test]
    public void The_whole_section_separates_groups_by_one_blank_line_and_ends_with_one_newline()
    {
        var notes = ReleaseNotes.Section(SemanticVersion.Parse("2.0.0"), Day, "v1.2.3",
        [
            Sha("aaaaaaa111", "feat!: new record format"),
            Sha("bbbbbbb222", "fix: one"),
            Sha("ccccccc333", "docs: guide"),
        ]);

        Assert.That(notes, Is.EqualTo(
            "## 2.0.0 (2026-03-04)\n\n### ⚠ Breaking changes\n\n- new record format (aaaaaaa)\n\n### Features\n\n- new record format (aaaaaaa)\n\n" +
            "### Fixes\n\n- one (bbbbbbb)\n\n### Other\n\n- docs: guide (ccccccc)\n"));
    }

    [Test]
    public void Without_breaking_changes_there_is_no_breaking_heading()
    {
        var notes = ReleaseNotes.Section(SemanticVersion.Parse("1.3.0"), Day, "v1.2.3", [Sha("ddddddd444", "feat(api): paging")]);

        Assert.That(notes, Is.EqualTo("## 1.3.0 (2026-03-04)\n\n### Features\n\n- **api:** paging (ddddddd)\n"));
    }

    [Test]
    public void Only_merges_since_the_first_commit_is_no_changes_since_the_first_commit()
    {
        var notes = ReleaseNotes.Section(SemanticVersion.Parse("0.1.0"), Day, null, [new ReleaseChange("eeeeeee555", "Merge branch 'x'", true)]);

        Assert.That(notes, Is.EqualTo("## 0.1.0 (2026-03-04)\n\nNo changes since the first commit.\n"));
    }
}
