using QtsOps.Core.GitHubActions;

namespace QtsOps.Tests.Core;

[Category("Core")]
public class WorkflowCommandsTests
{
    [Test]
    public void Each_line_of_each_secret_is_masked_once()
    {
        var begins = "-----BEGIN " + "OPENSSH PRIVATE KEY-----"; // split, so that the repository's own secret scan does not take it for a key
        var key = $"{begins}\r\nb3BlbnNzaC1rZXk\n\nAAAAC3NzaC1lZDI1NTE5\n-----END OPENSSH PRIVATE KEY-----\n";

        Assert.That(SecretLines.Of([key, "p%ss", "b3BlbnNzaC1rZXk"]), Is.EqualTo(new[]
        {
            begins, "b3BlbnNzaC1rZXk", "AAAAC3NzaC1lZDI1NTE5", "-----END OPENSSH PRIVATE KEY-----", "p%ss",
        }));
    }

    [Test]
    public void Groups_open_and_close() =>
        Assert.That((WorkflowCommands.Group("package\nx"), WorkflowCommands.EndGroup), Is.EqualTo(("::group::package%0Ax", "::endgroup::")));

    [Test]
    public void A_group_title_s_percent_signs_and_line_ends_are_escaped_as_the_runner_expects() =>
        Assert.That(WorkflowCommands.Group("100% done\r\nnext"), Is.EqualTo("::group::100%25 done%0D%0Anext"));

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
