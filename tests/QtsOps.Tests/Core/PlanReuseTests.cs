using QtsOps.Core.Terraform;
using QtsOps.Core.Workspace;

namespace QtsOps.Tests.Core;

[Category("Core")]
public class PlanReuseTests
{
    private const string LocalBackend = """{ "version": 3, "backend": { "type": "local", "config": { "path": "/x/terraform.tfstate" } } }""";
    private const string AzureBackend = """{ "version": 3, "backend": { "type": "azurerm", "config": {} } }""";
    private const string BuiltInState = """
        { "version": 4, "serial": 2, "resources": [
          { "mode": "managed", "type": "terraform_data", "name": "resource_group", "provider": "provider[\"terraform.io/builtin/terraform\"]" } ] }
        """;

    private static string? Obstacle(string? backend = LocalBackend, string? state = BuiltInState, bool lockFile = false, bool vars = false, params string[] variables) =>
        PlanReuse.Obstacle(backend, state, lockFile, vars, variables);

    [Test]
    public void Built_in_resources_in_the_local_backend_may_be_reused()
    {
        Assert.That(Obstacle(variables: ["TF_IN_AUTOMATION", "PATH"]), Is.Null);
    }

    [Test]
    public void A_remote_backend_or_no_state_plans_every_run()
    {
        Assert.That(Obstacle(backend: AzureBackend), Does.Contain("not in the local backend"));
        Assert.That(Obstacle(backend: null), Does.Contain("not in the local backend"));
        Assert.That(Obstacle(state: null), Does.Contain("not in the local backend"));
    }

    [Test]
    public void A_provider_or_a_resource_that_reads_outside_plans_every_run()
    {
        Assert.That(Obstacle(lockFile: true), Does.Contain("a provider is installed"));
        var remoteState = """{ "resources": [ { "mode": "data", "type": "terraform_remote_state", "name": "network", "provider": "provider[\"terraform.io/builtin/terraform\"]" } ] }""";
        Assert.That(Obstacle(state: remoteState), Does.Contain("data.terraform_remote_state.network"));
        var azure = """{ "resources": [ { "mode": "managed", "type": "azurerm_resource_group", "name": "rg", "provider": "provider[\"registry.terraform.io/hashicorp/azurerm\"]" } ] }""";
        Assert.That(Obstacle(state: azure), Does.Contain("azurerm_resource_group.rg"));
        Assert.That(Obstacle(state: "not json"), Does.Contain("not a Terraform state"));
    }

    [Test]
    public void Values_that_may_be_secrets_plan_every_run()
    {
        Assert.That(Obstacle(vars: true), Does.Contain("--var"));
        Assert.That(Obstacle(variables: ["TF_VAR_token"]), Does.Contain("TF_VAR_token is set"));
        Assert.That(Obstacle(variables: ["TF_CLI_ARGS_plan"]), Does.Contain("TF_CLI_ARGS_plan is set"));
    }

    [Test]
    public void The_digest_changes_with_any_input_and_not_with_their_order()
    {
        var inputs = new Dictionary<string, string> { ["state"] = "aa", ["source main.tf"] = "bb" };
        var digest = InputsDigest.Of(inputs);

        Assert.That(InputsDigest.Of(new Dictionary<string, string> { ["source main.tf"] = "bb", ["state"] = "aa" }), Is.EqualTo(digest));
        Assert.That(InputsDigest.Of(new Dictionary<string, string> { ["state"] = "ab", ["source main.tf"] = "bb" }), Is.Not.EqualTo(digest));
        Assert.That(InputsDigest.Of(new Dictionary<string, string> { ["state"] = "aa" }), Is.Not.EqualTo(digest));
    }

    [Test]
    public void A_resource_that_reads_outside_is_named_by_its_address_and_an_unnamed_one_by_question_marks()
    {
        var azure = """{ "resources": [ { "mode": "managed", "type": "azurerm_resource_group", "name": "rg", "provider": "provider[\"registry.terraform.io/hashicorp/azurerm\"]" } ] }""";

        Assert.That(Obstacle(state: azure), Is.EqualTo(
            "the state holds azurerm_resource_group.rg, which is not a managed resource of Terraform's built-in provider (it may read something that changes)"));
        Assert.That(Obstacle(state: """{ "resources": [ { "mode": "managed" } ] }"""), Does.StartWith("the state holds ?.?, "));
    }
}
