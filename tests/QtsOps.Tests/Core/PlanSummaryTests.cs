using QtsOps.Core.Terraform;

namespace QtsOps.Tests.Core;

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

    [Test]
    public void Forgotten_resources_are_counted_and_listed_apart_from_deletes()
    {
        var summary = PlanSummary.FromJson(Plan([Change("a.dropped", "forget"), Change("a.gone", "delete")]));

        Assert.That(summary.Forget, Is.EqualTo(new[] { "a.dropped" }));
        Assert.That(summary.Delete, Is.EqualTo(new[] { "a.gone" }));
        Assert.That(summary.HasResourceChanges, Is.True);
        Assert.That(summary.CountsLine, Is.EqualTo("0 to create, 0 to update, 0 to replace, 1 to delete, 1 to forget"));
    }

    [Test]
    public void The_markdown_of_a_plan_with_every_kind_of_change_is_complete()
    {
        var markdown = PlanSummary.FromJson(Plan([
            Change("a.new", "create"),
            Change("a.changed", "update"),
            Change("a.other", "update"),
            Change("a.renamed", "delete", "create"),
            Change("a.gone", "delete"),
            Change("a.dropped", "forget"),
        ], """{ "url": { "actions": ["update"] } }""")).ToMarkdown("staging", "abc1234");

        Assert.That(markdown.ReplaceLineEndings("\n"), Is.EqualTo("""
            # Terraform plan: staging

            Commit `abc1234`.

            | create | update | replace | delete |
            |---:|---:|---:|---:|
            | 1 | 2 | 1 | 1 |

            ## To create

            - `a.new`

            ## To update in place

            - `a.changed`
            - `a.other`

            ## To replace (destroy, then create)

            - `a.renamed`

            ## To delete

            - `a.gone`

            ## To forget (removed from state, not destroyed)

            - `a.dropped`

            ## Outputs that change

            - `url`


            """.ReplaceLineEndings("\n")));
    }

    [Test]
    public void The_markdown_of_a_plan_without_changes_names_the_commit()
    {
        var markdown = PlanSummary.FromJson(Plan([])).ToMarkdown("local", "abc1234");

        Assert.That(markdown.ReplaceLineEndings("\n"), Is.EqualTo(
            "# Terraform plan: local\n\nCommit `abc1234`.\n\n**No changes.** The infrastructure matches the configuration; `apply` will skip.\n"));
    }

    [Test]
    public void A_plan_without_resource_or_output_changes_lists_is_a_plan_without_changes()
    {
        var summary = PlanSummary.FromJson("""{ "format_version": "1.2", "resource_changes": null, "output_changes": null }""");

        Assert.That(summary.HasChanges, Is.False);
        Assert.That(summary.CountsLine, Is.EqualTo("0 to create, 0 to update, 0 to replace, 0 to delete"));
    }

    [Test]
    public void Unknown_action_combinations_are_named_whole()
    {
        var error = Assert.Throws<InvalidDataException>(() => PlanSummary.FromJson(Plan([Change("a.x", "create", "update")])))!;

        Assert.That(error.Message, Is.EqualTo("Unknown actions [create, update] for a.x in the Terraform plan: this pipeline knows Terraform's JSON plan format 1.x."));
    }
}
