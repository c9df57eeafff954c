using QtsOps.Core.Testing;

namespace QtsOps.Tests.Core;

[Category("Core")]
public class AllowedSkipsTests
{
    [Test]
    public void Only_the_listed_tests_may_skip_each_with_its_reason()
    {
        var allowed = AllowedSkips.Parse("allowed-skips.txt", "# comment\n\nA.B.Needs_root: mounting needs root\n");

        Assert.That(allowed.ReasonFor("A.B.Needs_root"), Is.EqualTo("mounting needs root"));
        Assert.That(allowed.ReasonFor("A.B.Other"), Is.Null);
        Assert.That(allowed.Unexpected(["A.B.Needs_root", "A.B.Other", "C.D.Stale_guard"]), Is.EqualTo(new[] { "A.B.Other", "C.D.Stale_guard" }));
    }

    [TestCase("A.B.Needs_root")]
    [TestCase("A.B.Needs_root:   ")]
    [TestCase("A B: why")]
    public void A_line_that_is_not_a_test_and_why_is_refused_naming_the_file_and_line(string line)
    {
        var error = Assert.Throws<InvalidDataException>(() => AllowedSkips.Parse("tests/allowed-skips.txt", $"# comment\n{line}\n"))!;

        Assert.That(error.Message, Does.StartWith($"tests/allowed-skips.txt line 2: '{line.Trim()}' is not '<Namespace.Class.Test>: why it may skip'"));
    }

    [Test]
    public void A_test_listed_twice_is_refused_naming_the_line()
    {
        var error = Assert.Throws<InvalidDataException>(() => AllowedSkips.Parse("tests/allowed-skips.txt", "A.B.C: one\nA.B.C: two\n"))!;

        Assert.That(error.Message, Is.EqualTo("tests/allowed-skips.txt line 2: A.B.C is listed twice; keep one line."));
    }

    [Test]
    public void The_checked_in_list_parses_and_names_tests_that_exist()
    {
        var path = Path.Combine(SourceRepository.Root, AllowedSkips.RelativePath);
        var allowed = AllowedSkips.Parse(path, File.ReadAllText(path));

        Assert.That(allowed.Tests, Is.Not.Empty);
        foreach (var test in allowed.Tests)
        {
            var type = typeof(AllowedSkipsTests).Assembly.GetType(test[..test.LastIndexOf('.')]);
            Assert.That(type?.GetMethod(test[(test.LastIndexOf('.') + 1)..]), Is.Not.Null, $"{test} in {path} is no test: fix or remove the line");
        }
    }

    [Test]
    public void The_last_line_counts_without_a_newline_after_it()
    {
        var allowed = AllowedSkips.Parse("allowed-skips.txt", "A.B.One: first\nA.B.Last: no newline after it");

        Assert.That(allowed.ReasonFor("A.B.Last"), Is.EqualTo("no newline after it"));
        Assert.That(() => AllowedSkips.Parse("allowed-skips.txt", "A.B.One: first\nA.B.Last"), Throws.TypeOf<InvalidDataException>()
            .With.Message.StartWith("allowed-skips.txt line 2: 'A.B.Last' is not"));
    }
}
