using QtsOps.Tools.Terraform;

namespace QtsOps.Tests.Tools;

/// <summary>The arguments; the real CLI runs in ValidateTaskTests.An_unformatted_tf_file_is_found_by_terraform_fmt.</summary>
public class TerraformFmtRunnerTests
{
    [Test]
    public void Check_and_recursive_become_flags_before_the_target()
    {
        var arguments = TerraformFmtRunner.GetArguments(new TerraformFmtSettings { Target = "src/infra", Check = true, Recursive = true });

        Assert.That(arguments.Render(), Is.EqualTo("fmt -no-color -list=true -check -recursive \"src/infra\""));
    }

    [Test]
    public void Without_check_fmt_rewrites_the_target_only()
    {
        var arguments = TerraformFmtRunner.GetArguments(new TerraformFmtSettings { Target = "main.tf" });

        Assert.That(arguments.Render(), Is.EqualTo("fmt -no-color -list=true \"main.tf\""));
    }
}
