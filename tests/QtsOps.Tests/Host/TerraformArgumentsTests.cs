using QtsOps.Tools.Terraform;

namespace QtsOps.Tests.Host;

public class TerraformArgumentsTests
{
    [Test]
    public void Init_takes_the_backend_file_and_overrides_never_prompts_and_masks_credentials()
    {
        var arguments = TerraformArguments.For(new TerraformInitSettings
        {
            RootModule = "/repo/src/infra/environments/prod",
            Reconfigure = true,
            BackendConfigFile = "backend.hcl",
            BackendConfig = { ["key"] = "prod/terraform.tfstate", ["access_key"] = "s3cr3t-key" },
        });

        Assert.That(arguments.RenderSafe(), Is.EqualTo(
            "-chdir=\"/repo/src/infra/environments/prod\" init -input=false -no-color -reconfigure -backend-config=\"backend.hcl\" " +
            "-backend-config=key=\"prod/terraform.tfstate\" -backend-config=access_key=\"[REDACTED]\""));
        Assert.That(arguments.Render(), Does.EndWith("-backend-config=access_key=\"s3cr3t-key\""));
    }

    [Test]
    public void Init_without_backend_installs_providers_only()
    {
        Assert.That(TerraformArguments.For(new TerraformInitSettings { Backend = false }).Render(), Is.EqualTo("init -input=false -no-color -backend=false"));
    }

    [Test]
    public void Plan_saves_the_plan_with_detailed_exit_code_and_var_files_in_order_then_the_variables_file_and_no_value()
    {
        var settings = new TerraformPlanSettings
        {
            OutFile = "/a/tfplan",
            VarFiles = ["/v/one.tfvars", "/v/two.tfvars"],
            Variables = { ["location"] = "Korea South" },
            SecretVariables = { ["admin_password"] = "hunter2!" },
        };

        var rendered = TerraformArguments.For(settings, "/d/vars.tfvars.json").Render();

        Assert.That(rendered, Is.EqualTo(
            "plan -input=false -no-color -detailed-exitcode -out=\"/a/tfplan\" -var-file=\"/v/one.tfvars\" -var-file=\"/v/two.tfvars\" -var-file=\"/d/vars.tfvars.json\""));
        Assert.Throws<ArgumentException>(() => TerraformArguments.For(settings), "values never go on the command line, which ps shows");
    }

    [Test]
    public void Plan_without_an_out_file_is_refused_because_apply_takes_only_saved_plans()
    {
        Assert.Throws<ArgumentException>(() => TerraformArguments.For(new TerraformPlanSettings()));
    }

    [Test]
    public void Apply_takes_only_a_saved_plan_and_no_variables()
    {
        Assert.That(TerraformArguments.For(new TerraformApplySettings { PlanFile = "/a/tfplan" }).Render(), Is.EqualTo("apply -input=false -no-color \"/a/tfplan\""));
        Assert.Throws<ArgumentException>(() => TerraformArguments.For(new TerraformApplySettings()));
    }

    [Test]
    public void Destroy_auto_approves_and_never_uses_the_removed_force_flag()
    {
        var rendered = TerraformArguments.For(new TerraformDestroySettings { VarFiles = ["/v/x.tfvars"] }).Render();

        Assert.That(rendered, Is.EqualTo("destroy -input=false -no-color -auto-approve -var-file=\"/v/x.tfvars\""));
        Assert.That(rendered, Does.Not.Contain("-force"));
    }

    [Test]
    public void Read_only_commands_ask_for_json_and_do_not_take_input()
    {
        Assert.That(TerraformArguments.For(new TerraformShowSettings { PlanFile = "/a/tfplan" }).Render(), Is.EqualTo("show -no-color -json \"/a/tfplan\""));
        Assert.That(TerraformArguments.For(new TerraformOutputSettings()).Render(), Is.EqualTo("output -no-color -json"));
        Assert.That(TerraformArguments.For(new TerraformValidateSettings()).Render(), Is.EqualTo("validate -no-color"));
        Assert.That(TerraformArguments.For(new TerraformFormatSettings { Recursive = true }).Render(), Is.EqualTo("fmt -check -no-color -recursive"));
        Assert.That(TerraformArguments.For(new TerraformStatePullSettings()).Render(), Is.EqualTo("state pull"));
    }
}
