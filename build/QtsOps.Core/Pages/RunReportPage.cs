using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace QtsOps.Core.Pages;

/// <summary>One row of the run's task table, as the summary printed it.</summary>
/// <param name="Status">The summary's word: Succeeded, Skipped, Failed, Dry run, Not run.</param>
/// <param name="Note">Why it was skipped, or its error.</param>
public sealed record RunTask(string Name, string Status, TimeSpan Duration, string? Note);

/// <summary>What the run report's heading says about the run.</summary>
public sealed record RunFacts(string Targets, string Environment, string Version, string Commit, string RanBy, DateTimeOffset FinishedAt);

/// <summary>A JSON report of artifacts/reports (<c>&lt;target&gt;.json</c>), or why it could not be read.</summary>
public sealed record ReportFile(string Name, JsonObject? Json, string? Problem);

/// <summary>
/// artifacts/reports/index.html: the run at a glance from what the run already recorded: the task
/// table as a timeline, and each JSON report this run wrote with its checks, planned changes and
/// findings, linked to the JSON and Markdown files beside it.
/// </summary>
public static class RunReportPage
{

    /// <summary>
    /// The reports of <paramref name="targets"/> (those this run wrote) that are in <paramref name="directory"/>, in the
    /// order they were written. By name, not by time: a file's time is the kernel's coarse clock, which can read
    /// earlier than the run's own start.
    /// </summary>
    public static IReadOnlyList<ReportFile> ReadReports(string directory, IEnumerable<string> targets) =>
        [.. targets.Select(target => new FileInfo(Path.Combine(directory, target + ".json"))).Where(file => file.Exists)
            .OrderBy(f => f.LastWriteTimeUtc).ThenBy(f => f.Name, StringComparer.Ordinal)
            .Select(file => Read(file.FullName))];

    /// <summary>One JSON report, or null when there is none.</summary>
    public static ReportFile? ReadReport(string path) => File.Exists(path) ? Read(path) : null;

    private static ReportFile Read(string path)
    {
        var name = Path.GetFileNameWithoutExtension(path);
        try
        {
            return JsonNode.Parse(File.ReadAllText(path)) is JsonObject json
                ? new ReportFile(name, json, null)
                : new ReportFile(name, null, $"{path}: not a JSON object.");
        }
        catch (JsonException exception)
        {
            return new ReportFile(name, null, $"{path}: not valid JSON ({exception.Message}).");
        }
    }

    public static string Render(RunFacts run, IReadOnlyList<RunTask> tasks, IReadOnlyList<ReportFile> reports, Func<string, string> mask)
    {
        var failed = tasks.Any(t => t.Status == "Failed");
        var page = new HtmlPage($"QtsOps {run.Targets} · {run.Environment} · {run.Version}", mask);
        page.Raw($"<h1>QtsOps run: {page.Text(run.Targets)} {page.Badge(failed ? "Failed" : "Succeeded")}</h1>\n");
        page.Facts([
            ("environment", page.Text(run.Environment)),
            ("version", $"<code>{page.Text(run.Version)}</code>"),
            ("commit", $"<code>{page.Text(run.Commit)}</code>"),
            ("ran by", page.Text(run.RanBy)),
            ("finished", page.Text(run.FinishedAt.ToString("u", CultureInfo.InvariantCulture))),
        ]);
        if (reports.Count > 0)
            page.Raw("<nav>Reports: " + string.Join(" ", reports.Select(r => $"<a href=\"#report-{page.Text(r.Name)}\">{page.Text(r.Name)}</a>")) + "</nav>\n");
        WriteTimeline(page, tasks);
        foreach (var report in reports) WriteReport(page, report);
        return page.ToString();
    }

    /// <summary>The task table, each task's bar placed where it ran in the run's time (tasks run one after another).</summary>
    private static void WriteTimeline(HtmlPage page, IReadOnlyList<RunTask> tasks)
    {
        page.Heading(2, "Tasks", "tasks");
        var total = Math.Max(1, tasks.Sum(t => t.Duration.Ticks));
        var start = 0L;
        var rows = new List<IReadOnlyList<string>>();
        foreach (var task in tasks)
        {
            var left = 100.0 * start / total;
            var width = 100.0 * task.Duration.Ticks / total;
            start += task.Duration.Ticks;
            var tone = HtmlPage.ToneOf(task.Status).ToString().ToLowerInvariant();
            var bar = $"<div class=\"track\" aria-hidden=\"true\"><div class=\"bar {tone}\" style=\"left:{left.ToString("0.##", CultureInfo.InvariantCulture)}%;width:{width.ToString("0.##", CultureInfo.InvariantCulture)}%\"></div></div>";
            rows.Add([$"<code>{page.Text(task.Name)}</code>", page.Badge(task.Status), page.Text(Duration(task)), bar, page.Text(task.Note)]);
        }
        page.Table(["task", "status", "duration", "timeline", "note"], rows, "tasks");
        page.Raw($"<p>Total: {page.Text(TimeSpan.FromTicks(tasks.Sum(t => t.Duration.Ticks)).ToString(@"hh\:mm\:ss\.fff", CultureInfo.InvariantCulture))}</p>\n");
    }

    private static string Duration(RunTask task) =>
        task.Status is "Succeeded" or "Failed" ? task.Duration.ToString(@"hh\:mm\:ss\.fff", CultureInfo.InvariantCulture) : "-";

    // Shown in their own sections, or only in the JSON (long lists: the package's files).
    private static readonly HashSet<string> SectionMembers = ["target", "status", "findings", "checks", "changes", "counts"];

    private static void WriteReport(HtmlPage page, ReportFile report)
    {
        var status = report.Json?["status"] is JsonValue value ? value.ToString() : "unreadable";
        page.Raw($"<section id=\"report-{page.Text(report.Name)}\">\n<h2>{page.Text(report.Name)} {page.Badge(status)}</h2>\n");
        page.Raw($"<p><a href=\"{page.Text(Uri.EscapeDataString(report.Name))}.json\">{page.Text(report.Name)}.json</a> · " +
                 $"<a href=\"{page.Text(Uri.EscapeDataString(report.Name))}.md\">{page.Text(report.Name)}.md</a></p>\n");
        if (report.Json is not { } json)
        {
            page.Raw($"<p>{page.Badge("error")} {page.Text(report.Problem)}</p>\n</section>\n");
            return;
        }
        page.Facts(json.Where(member => !SectionMembers.Contains(member.Key) && member.Value is not null)
            .Select(member => (member.Key, page.Text(Describe(member.Value!)))));
        if (json["checks"] is JsonArray checks) WriteChecks(page, checks);
        if (json["changes"] is JsonObject changes) WriteChanges(page, changes);
        if (json["findings"] is JsonArray { Count: > 0 } findings) WriteFindings(page, findings);
        page.Raw("</section>\n");
    }

    /// <summary>A verify report's checks (verify, rollback): each with its word, evidence and fix; the dashboard shows the last one.</summary>
    internal static void WriteChecks(HtmlPage page, JsonArray checks)
    {
        page.Heading(3, "Checks");
        page.Table(["check", "result", "evidence", "fix"], checks.OfType<JsonObject>().Select(check => (IReadOnlyList<string>)
        [
            $"<code>{page.Text(Str(check, "name"))}</code>",
            check["passed"]?.GetValueKind() == JsonValueKind.True ? page.Badge("pass") : page.Badge("fail"),
            page.Text(Str(check, "evidence")),
            page.Text(Str(check, "fix")),
        ]), "checks");
    }

    /// <summary>terraform-plan's changes: what would be created, updated, replaced and deleted.</summary>
    private static void WriteChanges(HtmlPage page, JsonObject changes)
    {
        page.Heading(3, "Planned changes");
        string[] actions = ["create", "update", "replace", "delete"];
        page.Table(["action", "count", "resources"], actions.Select(action =>
        {
            var resources = changes[action] is JsonArray list ? list.Select(r => r?.ToString() ?? "").ToList() : [];
            return (IReadOnlyList<string>)
            [
                resources.Count > 0 ? page.Badge(action) : page.Badge(action, Tone.Neutral),
                resources.Count.ToString(CultureInfo.InvariantCulture),
                string.Join("<br>", resources.Select(r => $"<code>{page.Text(r)}</code>")),
            ];
        }), "changes");
    }

    private static void WriteFindings(HtmlPage page, JsonArray findings)
    {
        page.Heading(3, "Findings");
        page.Table(["severity", "rule", "where", "message", "fix"], findings.OfType<JsonObject>().Select(finding =>
        {
            var line = finding["line"] is JsonValue number ? ":" + number : "";
            return (IReadOnlyList<string>)
            [
                page.Badge(Str(finding, "severity")),
                $"<code>{page.Text(Str(finding, "rule"))}</code>",
                page.Text(Str(finding, "file") + line),
                page.Text(Str(finding, "message")),
                page.Text(Str(finding, "fix")),
            ];
        }), "findings");
    }

    internal static string Str(JsonObject json, string name) => json[name] is JsonValue value ? value.ToString() : "";

    private const int ListedItems = 10;

    /// <summary>A member's value in a few words: long lists are counted, not shown (the JSON has them).</summary>
    private static string Describe(JsonNode value) => value switch
    {
        JsonValue scalar => scalar.ToString(),
        JsonArray { Count: > ListedItems } list => $"{list.Count} entries (see the JSON)",
        JsonArray list when list.All(item => item is JsonValue) => string.Join(", ", list.Select(item => item!.ToString())),
        JsonArray list => $"{list.Count} entries (see the JSON)",
        // A node that is neither a value nor an array is an object (JsonNode has no other kind).
        _ => string.Join("; ", value.AsObject().Where(m => m.Value is JsonValue).Select(m => $"{m.Key}: {m.Value}")),
    };
}
