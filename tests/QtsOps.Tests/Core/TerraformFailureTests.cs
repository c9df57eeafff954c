using QtsOps.Core.Terraform;

namespace QtsOps.Tests.Core;

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

    [Test]
    public void Unavailable_providers_end_by_pointing_at_the_local_environment()
    {
        Assert.That(TerraformFailure.Fix(TerraformFailure.ProvidersUnavailable, "prod"), Does.EndWith(
            "ARM_SUBSCRIPTION_ID, ARM_TENANT_ID, ARM_CLIENT_ID and ARM_CLIENT_SECRET in the environment. The local environment needs none of this: --env=local."));
    }

    [Test]
    public void Missing_credentials_say_which_variables_to_set_and_where()
    {
        Assert.That(TerraformFailure.Fix(TerraformFailure.CredentialsMissing, "staging"), Is.EqualTo(
            "Terraform could not sign in to Azure for environments/staging: set ARM_SUBSCRIPTION_ID, ARM_TENANT_ID, ARM_CLIENT_ID and ARM_CLIENT_SECRET " +
            "(a service principal with access to the state storage account and the subscription) in the environment, never in a file, and run again."));
    }

    [Test]
    public void A_stale_plan_says_to_plan_again_for_the_environment()
    {
        Assert.That(TerraformFailure.Fix(TerraformFailure.StalePlan, "prod"), Is.EqualTo(
            "The state changed after the plan was saved. Run `./build.sh --target=terraform-plan --env=prod` again, review the new plan, then apply."));
    }

    [Test]
    public void Any_other_failure_points_at_terraforms_own_message()
    {
        Assert.That(TerraformFailure.Fix(TerraformFailure.Other, "local"), Is.EqualTo("See Terraform's message above: it names the file and line where there is one."));
    }
}
