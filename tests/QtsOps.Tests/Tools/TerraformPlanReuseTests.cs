using System.Text.Json;
using System.Text.Json.Nodes;
using QtsOps.Host;
using QtsOps.Tests.Host;

namespace QtsOps.Tests.Tools;

/// <summary>
/// terraform-plan keeps a no-change plan of the local environment (built-in provider, local backend)
/// and shows it again without running Terraform while its inputs are unchanged; any changed input
/// plans again. Through the real pipeline and the real terraform CLI, in a scratch copy of src/infra.
/// </summary>
public class TerraformPlanReuseTests
{
    private TerraformScratch _scratch = null!;
    private ScratchRepository Repo => _scratch.Repo;

    [SetUp]
    public void CreateScratchRepository() => _scratch = new TerraformScratch();

    [TearDown]
    public void RemoveScratchRepository() => _scratch.Dispose();

    private HostRun Plan(params string[] args)
    {
        var run = Repo.RunPipeline(["--target=terraform-plan", "--env=local", .. args]);
        Assert.That(run.ExitCode, Is.Zero, run.Error + run.Output);
        return run;
    }

    private bool Reused() =>
        JsonDocument.Parse(Repo.Read("artifacts/reports/terraform-plan.json")).RootElement.GetProperty("reusedPlanOf").ValueKind != JsonValueKind.Null;

    /// <summary>Applied infrastructure, then a no-change plan that Terraform made and the pipeline kept.</summary>
    private void AppliedAndPlannedOnce()
    {
        Plan();
        Assert.That(Repo.RunPipeline("--target=apply", "--env=local").ExitCode, Is.Zero);
        Plan();
        Assert.That(Reused(), Is.False, "the first no-change plan is Terraform's");
    }

    [Test]
    public void A_no_change_plan_is_shown_again_without_terraform_while_its_inputs_are_unchanged()
    {
        AppliedAndPlannedOnce();
        Assert.That(Repo.RunPipeline("--target=clean").ExitCode, Is.Zero);

        var again = Plan();

        Assert.That(Reused(), Is.True);
        Assert.That(again.Output, Does.Contain("Terraform did not run").And.Not.Contain("Refreshing state"));
        Assert.That(Repo.Read("artifacts/terraform/local/plan.md"), Does.Contain("**No changes.**"), "the reports are there after clean");
        Assert.That(Repo.Read("artifacts/terraform/local/plan.json"), Does.Contain("resource_changes"));
        var apply = Repo.RunPipeline("--target=apply", "--env=local").Entry("apply");
        Assert.That(apply.Outcome, Is.EqualTo(TaskOutcome.Skipped), "the kept plan is still one that apply skips");
    }

    [TestCase("source")]
    [TestCase("tfvars")]
    [TestCase("environments")]
    [TestCase("state")]
    [TestCase("commit")]
    [TestCase("var")]
    [TestCase("TF_VAR")]
    [TestCase("damaged metadata")]
    public void Any_changed_input_plans_with_terraform_again(string change)
    {
        AppliedAndPlannedOnce();
        Plan();
        Assert.That(Reused(), Is.True, "unchanged inputs: the kept plan");

        string[] args = [];
        switch (change)
        {
            case "source": File.AppendAllText(Repo.Combine("src/infra/environments/local/main.tf"), "# edited\n"); break;
            case "tfvars": Repo.Write("src/infra/environments/local/terraform.tfvars", "resource_group_name = \"rg-observer-local\"\n"); break;
            case "environments": Repo.Replace("environments.json", "The Docker engine of this machine", "This machine's Docker engine"); break;
            case "state": BumpStateSerial(); break;
            case "commit": Repo.Write("notes.txt", "x\n"); Repo.Commit(DateTimeOffset.Now, "unrelated"); break;
            case "var": args = ["--var=resource_group_name=rg-observer-local"]; break;
            case "TF_VAR": _scratch.Environment.Set("TF_VAR_resource_group_name", "rg-observer-local"); break;
            case "damaged metadata": File.WriteAllText(Repo.Combine(".qtsops/terraform/local/plan.meta.json"), "{}"); break;
        }
        var planned = Plan(args);

        Assert.That(Reused(), Is.False, $"after a change of {change}");
        Assert.That(planned.Output, Does.Not.Contain("Terraform did not run"));
    }

    [Test]
    public void A_plan_with_changes_is_never_kept()
    {
        Plan(); // nothing applied yet: the plan creates both resources

        Plan();

        Assert.That(Reused(), Is.False);
        Assert.That(File.Exists(Repo.Combine(".qtsops/terraform/local/plan.inputs.sha256")), Is.False);
    }

    private void BumpStateSerial()
    {
        var path = Repo.Combine(".qtsops/terraform/local/terraform.tfstate");
        var state = JsonNode.Parse(File.ReadAllText(path))!;
        state["serial"] = state["serial"]!.GetValue<long>() + 1;
        File.WriteAllText(path, state.ToJsonString());
    }
}
