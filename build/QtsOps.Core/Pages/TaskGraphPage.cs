using System.Globalization;
using System.Text;

namespace QtsOps.Core.Pages;

/// <summary>A task of the graph: what it waits for, and why the settings skip it (null: it runs).</summary>
public sealed record GraphTask(string Name, string? Description, IReadOnlyList<string> DependsOn, string? SkipReason);

/// <summary>
/// artifacts/graph/index.html (<c>--tree --html</c>): the tasks of the targets in run order as an
/// inline SVG, one box a task from top to bottom, each dependency an arc from the task it waits for;
/// a skip the settings already decide (push on local) says so in the box, and why under it. Narrow
/// enough to stay readable on a phone; a table below says the same in words.
/// </summary>
public static class TaskGraphPage
{
    public const string Directory = "graph";

    private const int BoxWidth = 230, BoxHeight = 40, Gap = 18, ReasonHeight = 18, Left = 160, ArcStep = 14;

    public static string Render(IReadOnlyList<string> targets, string environment, IReadOnlyList<GraphTask> tasks, Func<string, string> mask)
    {
        var page = new HtmlPage($"QtsOps task graph · {string.Join(", ", targets)} · {environment}", mask);
        page.Raw($"<h1>Task graph: {page.Text(string.Join(", ", targets))}</h1>\n");
        page.Raw($"<p>Environment {page.Text(environment)}: {tasks.Count} task(s) in run order, {tasks.Count(t => t.SkipReason is not null)} skipped by the settings. " +
                 "Each arc leads from a task to one that waits for it.</p>\n");
        page.Raw(Svg(page, tasks));
        page.Heading(2, "In words", "tasks");
        page.Table(["#", "task", "waits for", "decision", "does"], tasks.Select((task, i) => (IReadOnlyList<string>)
        [
            (i + 1).ToString(CultureInfo.InvariantCulture),
            $"<code>{page.Text(task.Name)}</code>",
            page.Text(string.Join(", ", task.DependsOn)),
            task.SkipReason is null ? page.Badge("runs", Tone.Good) : $"{page.Badge("skipped")} {page.Text(task.SkipReason)}",
            page.Text(task.Description),
        ]), "graph-tasks");
        return page.ToString();
    }

    private static string Svg(HtmlPage page, IReadOnlyList<GraphTask> tasks)
    {
        // Each box's top: a skipped task's box has its reason on a line under it.
        var tops = new int[tasks.Count];
        var row = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        var y = Gap;
        for (var i = 0; i < tasks.Count; i++)
        {
            (row[tasks[i].Name], tops[i]) = (i, y);
            y += BoxHeight + Gap + (tasks[i].SkipReason is null ? 0 : ReasonHeight);
        }
        const int width = Left + BoxWidth + 30;
        var svg = new StringBuilder($"<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {width} {y}\" width=\"{width}\" role=\"img\" aria-labelledby=\"graph-title\">");
        svg.Append($"<title id=\"graph-title\">{page.Text($"Tasks in run order: {string.Join(" → ", tasks.Select(t => t.Name))}")}</title>");
        svg.Append("<defs><marker id=\"arrow\" viewBox=\"0 0 8 8\" refX=\"8\" refY=\"4\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto\"><path d=\"M0,0 L8,4 L0,8 z\" fill=\"#57606a\"/></marker></defs>");
        // Arcs on the left: the further apart two tasks are, the wider the arc, so that arcs do not overlap.
        foreach (var task in tasks)
        foreach (var dependency in task.DependsOn.Where(row.ContainsKey))
        {
            var (from, to) = (tops[row[dependency]] + BoxHeight / 2, tops[row[task.Name]] + BoxHeight / 2);
            var reach = Left - 8 - Math.Min(Left - 20, ArcStep * (row[task.Name] - row[dependency]));
            svg.Append($"<path d=\"M{Left},{from} C{reach},{from} {reach},{to} {Left},{to}\" fill=\"none\" stroke=\"#57606a\" stroke-width=\"1.4\" marker-end=\"url(#arrow)\"/>");
        }
        for (var i = 0; i < tasks.Count; i++)
        {
            var (task, top) = (tasks[i], tops[i]);
            var (fill, stroke, word) = task.SkipReason is null ? ("#dafbe1", "#2da44e", "runs") : ("#fff8c5", "#bf8700", "skipped");
            svg.Append($"<g class=\"task\"><rect x=\"{Left}\" y=\"{top}\" width=\"{BoxWidth}\" height=\"{BoxHeight}\" rx=\"6\" fill=\"{fill}\" stroke=\"{stroke}\" stroke-width=\"1.5\"/>");
            svg.Append($"<text class=\"name\" x=\"{Left + 10}\" y=\"{top + 25}\" font-family=\"ui-monospace,monospace\" font-size=\"15\" font-weight=\"600\" fill=\"#1b1f24\">{page.Text($"{i + 1}. {task.Name}")}</text>");
            svg.Append($"<text class=\"word\" x=\"{Left + BoxWidth - 10}\" y=\"{top + 25}\" text-anchor=\"end\" font-family=\"system-ui,sans-serif\" font-size=\"13\" fill=\"#32383f\">{page.Text(word)}</text>");
            if (task.SkipReason is not null)
                svg.Append($"<text class=\"reason\" x=\"{Left + 4}\" y=\"{top + BoxHeight + 15}\" font-family=\"system-ui,sans-serif\" font-size=\"12\" fill=\"#6a4a00\">{page.Text(Shorten(task.SkipReason))}</text>");
            svg.Append("</g>");
        }
        return svg.Append("</svg>\n").ToString();
    }

    /// <summary>What fits under a box; the table below has it whole.</summary>
    private static string Shorten(string text) => text.Length <= 38 ? text : text[..35] + "...";
}
