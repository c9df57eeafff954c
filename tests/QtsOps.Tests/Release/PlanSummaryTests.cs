using QtsOps.Release.Terraform;

namespace QtsOps.Tests.Release;

[Category("Core")]
public class PlanSummaryTests
{
    private static string Change(string address, params string[] actions) =>
        $$"""{ "address": "{{address}}", "mode": "managed", "change": { "actions": [{{string.Join(", ", actions.Select(a => $"\"{a}\""))}}] } }""";

    private static string Plan(string[] changes, string outputChanges = "{}") =>
        $$"""{ "format_version": "1.2", "resource_changes": [{{string.Join(",", changes)}}], "output_changes": {{outputChanges}} }""";

    [Test]
    public void Actions_are_sorted_into_create_update_replace_and_delete()
    {
        var summary = PlanSummary.FromJson(Plan([
            Change("a.new", "create"),
            Change("a.changed", "update"),
            Change("a.renamed", "delete", "create"),
            Change("a.create_before_destroy", "create", "delete"),
            Change("a.gone", "delete"),
            Change("a.same", "no-op"),
            Change("data.a.read", "read"),
        ], """{ "id": { "actions": ["update"] }, "same": { "actions": ["no-op"] } }"""));

        Assert.That(summary.Create, Is.EqualTo(new[] { "a.new" }));
        Assert.That(summary.Update, Is.EqualTo(new[] { "a.changed" }));
        Assert.That(summary.Replace, Is.EqualTo(new[] { "a.renamed", "a.create_before_destroy" }));
        Assert.That(summary.Delete, Is.EqualTo(new[] { "a.gone" }));
        Assert.That(summary.Destroyed, Is.EqualTo(new[] { "a.renamed", "a.create_before_destroy", "a.gone" }));
        Assert.That(summary.OutputChanges, Is.EqualTo(new[] { "id" }));
        Assert.That(summary.CountsLine, Is.EqualTo("1 to create, 1 to update, 2 to replace, 1 to delete"));
    }

    [Test]
    public void A_plan_of_no_ops_has_no_changes_and_says_apply_will_skip()
    {
        var summary = PlanSummary.FromJson(Plan([Change("a.same", "no-op")]));

        Assert.That(summary.HasChanges, Is.False);
        Assert.That(summary.ToMarkdown("local", "abc1234"), Does.Contain("**No changes.**").And.Contain("`apply` will skip"));
    }

    [Test]
    public void Output_only_changes_count_as_changes_as_terraform_detailed_exit_code_does()
    {
        var summary = PlanSummary.FromJson(Plan([], """{ "url": { "actions": ["create"] } }"""));

        Assert.That(summary.HasResourceChanges, Is.False);
        Assert.That(summary.HasChanges, Is.True);
    }

    [Test]
    public void The_markdown_has_the_counts_and_every_address_under_its_action()
    {
        var markdown = PlanSummary.FromJson(Plan([Change("a.new", "create"), Change("a.renamed", "delete", "create")])).ToMarkdown("prod", "abc1234");

        Assert.That(markdown, Does.StartWith("# Terraform plan: prod"));
        Assert.That(markdown, Does.Contain("| 1 | 0 | 1 | 0 |"));
        Assert.That(markdown, Does.Contain("## To create\n\n- `a.new`"));
        Assert.That(markdown, Does.Contain("## To replace (destroy, then create)\n\n- `a.renamed`"));
        Assert.That(markdown, Does.Not.Contain("## To delete"));
    }

    [Test]
    public void Unknown_actions_and_non_plans_are_refused_not_guessed()
    {
        var unknown = Assert.Throws<InvalidDataException>(() => PlanSummary.FromJson(Plan([Change("a.x", "explode")])));
        Assert.That(unknown!.Message, Does.Contain("[explode]").And.Contain("a.x"));

        var notAPlan = Assert.Throws<InvalidDataException>(() => PlanSummary.FromJson("""{ "values": {} }"""));
        Assert.That(notAPlan!.Message, Does.Contain("terraform show -json"));
    }
}
