using QtsOps.Release.GitHubActions;

namespace QtsOps.Tests.GitHubActions;

[Category("Core")]
public class WorkflowCommandsTests
{
    [Test]
    public void An_error_annotation_names_file_and_line()
    {
        Assert.That(WorkflowCommands.Annotation("error", "ENV mismatch", "src/observer/Dockerfile", 12, "env-agree"),
            Is.EqualTo("::error file=src/observer/Dockerfile,line=12,title=env-agree::ENV mismatch"));
    }

    [Test]
    public void Messages_and_properties_are_escaped_so_they_stay_one_command()
    {
        var line = WorkflowCommands.Annotation("warning", "50% used\nsee df", "a,b:c.tf", null, "disk: high");

        Assert.That(line, Is.EqualTo("::warning file=a%2Cb%3Ac.tf,title=disk%3A high::50%25 used%0Asee df"));
    }

    [TestCase("info", "::notice::hello")]
    [TestCase("ERROR", "::error::hello")]
    public void Other_severities_become_notices_and_case_does_not_matter(string severity, string expected) =>
        Assert.That(WorkflowCommands.Annotation(severity, "hello"), Is.EqualTo(expected));

    [Test]
    public void A_line_without_a_file_is_left_out() =>
        Assert.That(WorkflowCommands.Annotation("error", "x", null, 3), Is.EqualTo("::error::x"));

    [Test]
    public void Groups_open_and_close() =>
        Assert.That((WorkflowCommands.Group("package\nx"), WorkflowCommands.EndGroup), Is.EqualTo(("::group::package%0Ax", "::endgroup::")));

    [Test]
    public void The_step_summary_has_a_heading_the_task_table_and_each_section()
    {
        var markdown = StepSummary.Compose("QtsOps plan · staging", "| Task |\n|---|\n| plan |\n", [("Terraform plan", "+ 1 to add\r\n"), ("Verify", "| check | ok |")]);

        Assert.That(markdown, Is.EqualTo("## QtsOps plan · staging\n\n| Task |\n|---|\n| plan |\n\n### Terraform plan\n\n+ 1 to add\n\n### Verify\n\n| check | ok |\n\n"));
    }

    [Test]
    public void A_section_s_headings_nest_under_its_h3()
    {
        var markdown = StepSummary.Compose("QtsOps verify · local", "| Task |\n", [("Verify", "# verify: local\n\ntext #1\n\n## Findings\n\n```\n# a shell comment\n```\n###### deep")]);

        Assert.That(markdown, Does.EndWith("### Verify\n\n#### verify: local\n\ntext #1\n\n##### Findings\n\n```\n# a shell comment\n```\n###### deep\n\n"));
    }

    [Test]
    public void Headings_already_below_h3_stay_as_they_are() =>
        Assert.That(StepSummary.NestHeadings("#### plan\n##### adds\n#hashtag"), Is.EqualTo("#### plan\n##### adds\n#hashtag"));
}
