using QtsOps.Release.Terraform;

namespace QtsOps.Tests.Release;

[Category("Core")]
public class TerraformFailureTests
{
    [TestCase("Error: Failed to query available provider packages\n\nCould not retrieve the list of available versions for provider hashicorp/azurerm: could not connect to registry.terraform.io", TerraformFailure.ProvidersUnavailable)]
    [TestCase("Error: Failed to install provider\n\nError while installing hashicorp/azurerm v4.1.0", TerraformFailure.ProvidersUnavailable)]
    [TestCase("Error: unable to build authorizer for Resource Manager API: could not configure AzureCli Authorizer: exec: \"az\": executable file not found in $PATH", TerraformFailure.CredentialsMissing)]
    [TestCase("Error: Saved plan is stale\n\nThe given plan file can no longer be applied because the state was changed by another operation after the plan was created.", TerraformFailure.StalePlan)]
    [TestCase("Error: Invalid value for variable\n\n  on terraform.tfvars line 1:", TerraformFailure.Other)]
    public void Terraform_diagnostics_are_classified(string diagnostics, string rule)
    {
        Assert.That(TerraformFailure.Classify(diagnostics), Is.EqualTo(rule));
    }

    [Test]
    public void Unavailable_providers_say_how_to_run_where_they_can_be_installed()
    {
        var fix = TerraformFailure.Fix(TerraformFailure.ProvidersUnavailable, "staging");

        Assert.That(fix, Does.Contain("could not install the providers").And.Contain("registry.terraform.io")
            .And.Contain("TF_PLUGIN_CACHE_DIR").And.Contain("ARM_CLIENT_SECRET").And.Contain("--env=staging"));
    }
}
