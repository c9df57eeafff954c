using QtsOps.Core.Pages;

namespace QtsOps.Tests.Core;

/// <summary>artifacts/graph/index.html as text: the SVG's boxes and arcs where the layout puts them, and the table in words (Tools/TaskGraphPageTests opens it in chromium).</summary>
[Category("Core")]
public class TaskGraphPageTests
{
    private const string Reason = "push is off for local environments (settings)";

    private static readonly GraphTask[] Tasks =
    [
        new("clean", "Removes artifacts <all>", [], null),
        new("build", null, ["clean", "not-a-task"], null),
        new("push", "Pushes the image", ["build", "CLEAN"], Reason),
    ];

    private static string Render(IReadOnlyList<GraphTask> tasks) => TaskGraphPage.Render(["push", "verify"], "local", tasks, text => text.Replace("s3cret", "***"));

    [Test]
    public void The_heading_names_the_targets_and_counts_the_tasks_and_the_skipped_ones()
    {
        var html = Render(Tasks);

        Assert.That(html, Does.Contain("<title>QtsOps task graph &#183; push, verify &#183; local</title>"));
        Assert.That(html, Does.Contain("<h1>Task graph: push, verify</h1>\n<p>Environment local: 3 task(s) in run order, 1 skipped by the settings. " +
                                       "Each arc leads from a task to one that waits for it.</p>\n<svg "));
    }

    [Test]
    public void The_svg_is_as_tall_as_its_boxes_with_a_line_under_each_skipped_one()
    {
        var html = Render(Tasks);

        Assert.That(html, Does.Contain("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 420 210\" width=\"420\" role=\"img\" aria-labelledby=\"graph-title\">" +
                                       "<title id=\"graph-title\">Tasks in run order: clean → build → push</title><defs><marker id=\"arrow\""));
    }

    [Test]
    public void Each_dependency_that_is_a_task_of_the_graph_is_an_arc_from_it_named_in_any_case()
    {
        var html = Render(Tasks);

        Assert.That(html, Does.Contain("</defs>" +
            "<path d=\"M160,38 C138,38 138,96 160,96\" fill=\"none\" stroke=\"#57606a\" stroke-width=\"1.4\" marker-end=\"url(#arrow)\"/>" +
            "<path d=\"M160,96 C138,96 138,154 160,154\" fill=\"none\" stroke=\"#57606a\" stroke-width=\"1.4\" marker-end=\"url(#arrow)\"/>" +
            "<path d=\"M160,38 C124,38 124,154 160,154\" fill=\"none\" stroke=\"#57606a\" stroke-width=\"1.4\" marker-end=\"url(#arrow)\"/>" +
            "<g class=\"task\">"), "not-a-task draws nothing; the further apart, the wider the arc");
    }

    [Test]
    public void An_arc_between_tasks_far_apart_stays_inside_the_picture()
    {
        var tasks = Enumerable.Range(0, 12).Select(i => new GraphTask($"t{i}", null, i == 11 ? ["t0"] : [], null)).ToList();

        var html = Render(tasks);

        Assert.That(html, Does.Contain("viewBox=\"0 0 420 714\""));
        Assert.That(html, Does.Contain("<path d=\"M160,38 C12,38 12,676 160,676\""), "11 rows apart would reach past the left edge: the arc stops 12 from it");
    }

    [Test]
    public void A_task_that_runs_is_a_green_box_with_its_number_and_name()
    {
        var html = Render(Tasks);

        Assert.That(html, Does.Contain(
            "<g class=\"task\"><rect x=\"160\" y=\"18\" width=\"230\" height=\"40\" rx=\"6\" fill=\"#dafbe1\" stroke=\"#2da44e\" stroke-width=\"1.5\"/>" +
            "<text class=\"name\" x=\"170\" y=\"43\" font-family=\"ui-monospace,monospace\" font-size=\"15\" font-weight=\"600\" fill=\"#1b1f24\">1. clean</text>" +
            "<text class=\"word\" x=\"380\" y=\"43\" text-anchor=\"end\" font-family=\"system-ui,sans-serif\" font-size=\"13\" fill=\"#32383f\">runs</text></g>" +
            "<g class=\"task\"><rect x=\"160\" y=\"76\""));
    }

    [Test]
    public void A_skipped_task_is_a_yellow_box_with_its_reason_shortened_under_it()
    {
        var html = Render(Tasks);

        Assert.That(html, Does.Contain(
            "<g class=\"task\"><rect x=\"160\" y=\"134\" width=\"230\" height=\"40\" rx=\"6\" fill=\"#fff8c5\" stroke=\"#bf8700\" stroke-width=\"1.5\"/>" +
            "<text class=\"name\" x=\"170\" y=\"159\" font-family=\"ui-monospace,monospace\" font-size=\"15\" font-weight=\"600\" fill=\"#1b1f24\">3. push</text>" +
            "<text class=\"word\" x=\"380\" y=\"159\" text-anchor=\"end\" font-family=\"system-ui,sans-serif\" font-size=\"13\" fill=\"#32383f\">skipped</text>" +
            "<text class=\"reason\" x=\"164\" y=\"189\" font-family=\"system-ui,sans-serif\" font-size=\"12\" fill=\"#6a4a00\">push is off for local environments ...</text></g></svg>\n"));
    }

    [TestCase("a reason of exactly thirty-eight chars", "a reason of exactly thirty-eight chars")]
    [TestCase("a reason of exactly thirty-nine chars!!", "a reason of exactly thirty-nine cha...")]
    [TestCase("masked s3cret", "masked ***")]
    public void A_reason_of_up_to_38_characters_fits_under_its_box(string reason, string shown)
    {
        var html = Render([new GraphTask("push", null, [], reason)]);

        Assert.That(html, Does.Contain($"fill=\"#6a4a00\">{shown}</text></g></svg>"));
    }

    [Test]
    public void The_table_says_the_same_in_words_each_reason_whole()
    {
        var html = Render(Tasks);

        Assert.That(html, Does.Contain(
            "<h2 id=\"tasks\">In words</h2>\n<div class=\"scroll\"><table class=\"graph-tasks\"><thead><tr><th scope=\"col\">#</th><th scope=\"col\">task</th>" +
            "<th scope=\"col\">waits for</th><th scope=\"col\">decision</th><th scope=\"col\">does</th></tr></thead><tbody>\n" +
            "<tr><td data-label=\"#\">1</td><td data-label=\"task\"><code>clean</code></td><td data-label=\"waits for\"></td>" +
            "<td data-label=\"decision\"><span class=\"badge good\">runs</span></td><td data-label=\"does\">Removes artifacts &lt;all&gt;</td></tr>\n" +
            "<tr><td data-label=\"#\">2</td><td data-label=\"task\"><code>build</code></td><td data-label=\"waits for\">clean, not-a-task</td>" +
            "<td data-label=\"decision\"><span class=\"badge good\">runs</span></td><td data-label=\"does\"></td></tr>\n" +
            "<tr><td data-label=\"#\">3</td><td data-label=\"task\"><code>push</code></td><td data-label=\"waits for\">build, CLEAN</td>" +
            $"<td data-label=\"decision\"><span class=\"badge warn\">skipped</span> {Reason}</td><td data-label=\"does\">Pushes the image</td></tr>\n" +
            "</tbody></table></div>\n</main>"));
    }
}
