using System.Text;
using System.Text.Json;

namespace QtsOps.Core.Terraform;

/// <summary>
/// What a saved plan would do, read from <c>terraform show -json</c>: the resource addresses to
/// create, update, replace and delete (resource_changes[].change.actions of Terraform's JSON plan
/// format; ["delete","create"] and ["create","delete"] are replacements) and the outputs that change.
/// </summary>
public sealed record PlanSummary(
    IReadOnlyList<string> Create,
    IReadOnlyList<string> Update,
    IReadOnlyList<string> Replace,
    IReadOnlyList<string> Delete,
    IReadOnlyList<string> Forget,
    IReadOnlyList<string> OutputChanges)
{
    public bool HasResourceChanges => Create.Count + Update.Count + Replace.Count + Delete.Count + Forget.Count > 0;

    /// <summary>Applying the plan changes something (resources or outputs), as -detailed-exitcode says.</summary>
    public bool HasChanges => HasResourceChanges || OutputChanges.Count > 0;

    /// <summary>Resources the plan destroys, alone or to recreate them.</summary>
    public IReadOnlyList<string> Destroyed => [.. Replace, .. Delete];

    public static PlanSummary FromJson(string json)
    {
        using var document = JsonDocument.Parse(json);
        return FromJson(document.RootElement);
    }

    public static PlanSummary FromJson(JsonElement plan)
    {
        if (plan.ValueKind != JsonValueKind.Object || !plan.TryGetProperty("format_version", out _))
            throw new InvalidDataException("Not a Terraform JSON plan (no format_version): expected the output of `terraform show -json PLANFILE`.");
        List<string> create = [], update = [], replace = [], delete = [], forget = [];
        foreach (var change in Array(plan, "resource_changes"))
        {
            var address = change.GetProperty("address").GetString()!;
            var actions = change.GetProperty("change").GetProperty("actions").EnumerateArray().Select(a => a.GetString()).ToArray();
            var list = actions switch
            {
                ["no-op"] or ["read"] => null,
                ["create"] => create,
                ["update"] => update,
                ["delete", "create"] or ["create", "delete"] => replace,
                ["delete"] => delete,
                ["forget"] => forget,
                _ => throw new InvalidDataException($"Unknown actions [{string.Join(", ", actions)}] for {address} in the Terraform plan: this pipeline knows Terraform's JSON plan format 1.x."),
            };
            list?.Add(address);
        }
        var outputs = plan.TryGetProperty("output_changes", out var outputChanges) && outputChanges.ValueKind == JsonValueKind.Object
            ? outputChanges.EnumerateObject().Where(o => !IsNoOp(o.Value)).Select(o => o.Name).ToList()
            : [];
        return new PlanSummary(create, update, replace, delete, forget, outputs);
    }

    public string CountsLine =>
        $"{Create.Count} to create, {Update.Count} to update, {Replace.Count} to replace, {Delete.Count} to delete" +
        (Forget.Count > 0 ? $", {Forget.Count} to forget" : "");

    public string ToMarkdown(string environment, string commit)
    {
        var markdown = new StringBuilder();
        markdown.AppendLine($"# Terraform plan: {environment}").AppendLine();
        markdown.AppendLine($"Commit `{commit}`.").AppendLine();
        if (!HasChanges)
        {
            markdown.AppendLine("**No changes.** The infrastructure matches the configuration; `apply` will skip.");
            return markdown.ToString();
        }
        markdown.AppendLine("| create | update | replace | delete |").AppendLine("|---:|---:|---:|---:|");
        markdown.AppendLine($"| {Create.Count} | {Update.Count} | {Replace.Count} | {Delete.Count} |").AppendLine();
        Section(markdown, "To create", Create);
        Section(markdown, "To update in place", Update);
        Section(markdown, "To replace (destroy, then create)", Replace);
        Section(markdown, "To delete", Delete);
        Section(markdown, "To forget (removed from state, not destroyed)", Forget);
        Section(markdown, "Outputs that change", OutputChanges);
        return markdown.ToString();
    }

    private static void Section(StringBuilder markdown, string title, IReadOnlyList<string> addresses)
    {
        if (addresses.Count == 0) return;
        markdown.AppendLine($"## {title}").AppendLine();
        foreach (var address in addresses) markdown.AppendLine($"- `{address}`");
        markdown.AppendLine();
    }

    private static bool IsNoOp(JsonElement change) =>
        change.GetProperty("actions").EnumerateArray().Select(a => a.GetString()).SequenceEqual(["no-op"]);

    private static IEnumerable<JsonElement> Array(JsonElement plan, string name) =>
        plan.TryGetProperty(name, out var array) && array.ValueKind == JsonValueKind.Array ? array.EnumerateArray() : [];
}
