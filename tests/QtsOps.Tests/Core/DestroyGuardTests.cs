using QtsOps.Core.Terraform;

namespace QtsOps.Tests.Core;

[Category("Core")]
public class DestroyGuardTests
{
    private static readonly PlanSummary Destructive = new(["a.new"], [], ["a.renamed"], ["a.gone"], [], []);
    private static readonly string[] ProdOnly = ["prod"];

    [Test]
    public void A_protected_environment_blocks_deletes_and_replacements_naming_each()
    {
        var result = DestroyGuard.Evaluate(Destructive, "prod", ProdOnly, allowDestroy: false, GuardedStep.Plan);

        Assert.That(result.Blocked, Is.True);
        Assert.That(result.Message, Does.Contain("replace a.renamed").And.Contain("delete a.gone").And.Contain("--allow-destroy"));
        Assert.That(result.Message, Does.Not.Contain("a.new"));
    }

    [Test]
    public void Allow_destroy_lets_it_through_with_a_note()
    {
        var result = DestroyGuard.Evaluate(Destructive, "prod", ProdOnly, allowDestroy: true, GuardedStep.Plan);

        Assert.That(result.Blocked, Is.False);
        Assert.That(result.Message, Does.Contain("allowed by --allow-destroy").And.Contain("replace a.renamed"));
    }

    [Test]
    public void Unprotected_environments_and_plans_without_destruction_pass_silently()
    {
        var staging = DestroyGuard.Evaluate(Destructive, "staging", ProdOnly, allowDestroy: false, GuardedStep.Plan);
        Assert.That(staging.Blocked, Is.False);
        Assert.That(staging.Message, Is.Null);

        var createOnly = new PlanSummary(["a.new"], ["a.changed"], [], [], [], []);
        var result = DestroyGuard.Evaluate(createOnly, "prod", ProdOnly, allowDestroy: false, GuardedStep.Plan);
        Assert.That(result.Blocked, Is.False);
        Assert.That(result.Message, Is.Null);
    }

    [Test]
    public void At_apply_the_refusal_says_the_saved_plan_was_checked_against_the_protection_now()
    {
        var result = DestroyGuard.Evaluate(Destructive, "prod", ProdOnly, allowDestroy: false, GuardedStep.Apply);

        Assert.That(result.Blocked, Is.True);
        Assert.That(result.Message, Does.Contain("replace a.renamed").And.Contain("It was not applied: apply checks the saved plan against the protection in force now")
            .And.Contain("re-run apply with --allow-destroy").And.Contain("--target=terraform-plan --env=prod"));
        Assert.That(DestroyGuard.Evaluate(Destructive, "prod", ProdOnly, allowDestroy: true, GuardedStep.Apply).Blocked, Is.False);
    }

    [Test]
    public void At_plan_time_the_refusal_lists_each_destroyed_resource_on_its_line_and_says_the_plan_was_not_kept()
    {
        var result = DestroyGuard.Evaluate(Destructive, "prod", ProdOnly, allowDestroy: false, GuardedStep.Plan);

        Assert.That(result.Destroyed, Is.EqualTo(new[] { "replace a.renamed", "delete a.gone" }));
        Assert.That(result.Message, Is.EqualTo(
            "The plan would destroy 2 resource(s) in the protected environment 'prod':\n  - replace a.renamed\n  - delete a.gone\n" +
            "The plan was not kept, so apply cannot use it. If this is intended, re-run terraform-plan with --allow-destroy; " +
            "otherwise change the configuration or variables so the resources are kept (a renamed resource group is replaced)."));
    }
}
