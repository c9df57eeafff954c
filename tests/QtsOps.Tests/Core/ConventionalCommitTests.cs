using QtsOps.Core.Releasing;

namespace QtsOps.Tests.Core;

[Category("Core")]
public class ConventionalCommitTests
{
    [Test]
    public void Reads_type_scope_and_description()
    {
        var commit = ConventionalCommit.Parse("feat(observer): record snapshots\n\nEvery minute.");

        Assert.That((commit.Type, commit.Scope, commit.Description, commit.IsBreaking), Is.EqualTo(("feat", "observer", "record snapshots", false)));
    }

    [Test]
    public void An_exclamation_mark_is_a_breaking_change()
    {
        var commit = ConventionalCommit.Parse("refactor!: drop the v1 config format");

        Assert.That(commit.IsBreaking, Is.True);
        Assert.That(commit.Type, Is.EqualTo("refactor"));
        Assert.That(commit.BreakingNote, Is.Null);
    }

    [TestCase("BREAKING CHANGE")]
    [TestCase("BREAKING-CHANGE")]
    public void A_breaking_change_footer_is_a_breaking_change_with_its_note(string footer)
    {
        var commit = ConventionalCommit.Parse($"feat: new data layout\n\nMoves files.\n\n{footer}: records live under\n/app/data/observer now.\n\nRefs: #12");

        Assert.That(commit.IsBreaking, Is.True);
        Assert.That(commit.BreakingNote, Is.EqualTo("records live under /app/data/observer now."));
    }

    [Test]
    public void A_breaking_change_without_a_footer_has_no_note_even_with_a_body()
    {
        var commit = ConventionalCommit.Parse("feat!: new data layout\n\nMoves files.");

        Assert.That((commit.IsBreaking, commit.BreakingNote), Is.EqualTo((true, (string?)null)));
    }

    [Test]
    public void The_note_ends_with_the_footer_s_own_line_when_a_paragraph_follows()
    {
        var commit = ConventionalCommit.Parse("feat: new data layout\n\nBREAKING CHANGE: records live under /app/data/observer now.\n\nRefs: #12");

        Assert.That(commit.BreakingNote, Is.EqualTo("records live under /app/data/observer now."));
    }

    [Test]
    public void An_empty_footer_is_a_breaking_change_without_a_note()
    {
        var commit = ConventionalCommit.Parse("feat: new data layout\n\nBREAKING CHANGE:");

        Assert.That((commit.IsBreaking, commit.BreakingNote), Is.EqualTo((true, (string?)null)));
    }

    [TestCase("Update README")]
    [TestCase("Merge branch 'x' into main")]
    [TestCase("feat:no space")]
    public void Anything_else_is_other_with_the_subject_as_description(string subject)
    {
        var commit = ConventionalCommit.Parse(subject);

        Assert.That(commit.Type, Is.Empty);
        Assert.That(commit.Description, Is.EqualTo(subject));
    }
}
