using QtsOps.Release.Terraform;

namespace QtsOps.Tests.Release;

public class DestroyGuardTests
{
    private static readonly PlanSummary Destructive = new(["a.new"], [], ["a.renamed"], ["a.gone"], [], []);
    private static readonly string[] ProdOnly = ["prod"];

    [Test]
    public void A_protected_environment_blocks_deletes_and_replacements_naming_each()
    {
        var result = DestroyGuard.Evaluate(Destructive, "prod", ProdOnly, allowDestroy: false);

        Assert.That(result.Blocked, Is.True);
        Assert.That(result.Message, Does.Contain("replace a.renamed").And.Contain("delete a.gone").And.Contain("--allow-destroy"));
        Assert.That(result.Message, Does.Not.Contain("a.new"));
    }

    [Test]
    public void Allow_destroy_lets_it_through_with_a_note()
    {
        var result = DestroyGuard.Evaluate(Destructive, "prod", ProdOnly, allowDestroy: true);

        Assert.That(result.Blocked, Is.False);
        Assert.That(result.Message, Does.Contain("allowed by --allow-destroy").And.Contain("replace a.renamed"));
    }

    [Test]
    public void Unprotected_environments_and_plans_without_destruction_pass_silently()
    {
        var staging = DestroyGuard.Evaluate(Destructive, "staging", ProdOnly, allowDestroy: false);
        Assert.That(staging.Blocked, Is.False);
        Assert.That(staging.Message, Is.Null);

        var createOnly = new PlanSummary(["a.new"], ["a.changed"], [], [], [], []);
        var result = DestroyGuard.Evaluate(createOnly, "prod", ProdOnly, allowDestroy: false);
        Assert.That(result.Blocked, Is.False);
        Assert.That(result.Message, Is.Null);
    }
}
