using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace QtsOps.Core.Reports;

/// <summary>Writes a target's report as artifacts/reports/&lt;target&gt;.json and .md.</summary>
public static class ReportWriter
{
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
    };

    /// <summary>
    /// JSON: <c>{ target, status, ...details' properties, findings }</c>; Markdown: <paramref name="markdown"/>
    /// followed by a table of the findings.
    /// </summary>
    /// <returns>The Markdown written, for the step summary.</returns>
    public static string Write(string reportsDirectory, string target, string status, object details, string markdown, IReadOnlyList<Finding> findings)
    {
        var json = new JsonObject { ["target"] = target, ["status"] = status };
        foreach (var (name, value) in JsonSerializer.SerializeToNode(details, Json)!.AsObject().ToList())
            json[name] = value?.DeepClone();
        json["findings"] = JsonSerializer.SerializeToNode(findings, Json);

        Directory.CreateDirectory(reportsDirectory);
        File.WriteAllText(Path.Combine(reportsDirectory, target + ".json"), json.ToJsonString(Json) + "\n");
        var text = new StringBuilder(markdown.TrimEnd()).AppendLine().AppendLine();
        if (findings.Count > 0)
        {
            text.AppendLine("## Findings").AppendLine().AppendLine("| severity | rule | where | message | fix |").AppendLine("|---|---|---|---|---|");
            foreach (var f in findings)
                text.AppendLine($"| {f.Severity} | `{f.Rule}` | {Cell(f.Line is null ? f.File ?? "" : $"{f.File}:{f.Line}")} | {Cell(f.Message)} | {Cell(f.Fix)} |");
        }
        File.WriteAllText(Path.Combine(reportsDirectory, target + ".md"), text.ToString());
        return text.ToString();
    }

    /// <summary>Text safe inside a Markdown table cell.</summary>
    public static string Cell(string text) => text.Replace("|", "\\|").ReplaceLineEndings("<br>");
}
