using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace QtsOps.Release.Reports;

/// <summary>Writes artifacts/reports/&lt;target&gt;.json and .md.</summary>
public static class ReportFiles
{
    public static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        // Reports are read by people too: keep '<', '>' and '&' in fixes readable.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <returns>The path of the JSON report.</returns>
    public static string Write<T>(string reportsDirectory, string target, T report, string markdown)
    {
        Directory.CreateDirectory(reportsDirectory);
        var json = Path.Combine(reportsDirectory, $"{target}.json");
        File.WriteAllText(json, JsonSerializer.Serialize(report, Json) + "\n");
        File.WriteAllText(Path.Combine(reportsDirectory, $"{target}.md"), markdown);
        return json;
    }

    /// <summary>A Markdown table of findings (a table cell cannot hold '|' or a line break).</summary>
    public static string FindingsTable(IEnumerable<Finding> findings)
    {
        var table = new StringBuilder("| severity | rule | where | message | fix |\n|---|---|---|---|---|\n");
        foreach (var f in findings)
            table.Append($"| {f.Severity.ToString().ToLowerInvariant()} | `{f.Rule}` | `{f.File}{(f.Line is { } line ? $":{line}" : "")}` | {Cell(f.Message)} | {Cell(f.Fix)} |\n");
        return table.ToString();
    }

    public static string Cell(string text) => text.Replace("|", "\\|").ReplaceLineEndings(" ");
}
