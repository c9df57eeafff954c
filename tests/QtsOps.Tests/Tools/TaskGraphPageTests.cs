using QtsOps.Tests.Host;

namespace QtsOps.Tests.Tools;

/// <summary>--tree --html: artifacts/graph/index.html, loaded in Debian's chromium.</summary>
[TestFixture, NonParallelizable]
public class TaskGraphPageTests
{
    [Test]
    public async Task Tree_html_draws_the_default_graph_in_run_order_with_push_skipped_on_local()
    {
        using var repo = PipelineCheckout.WithEnvironments();

        var run = InProcessPipeline.Run(repo.Path, ["--tree", "--html"]);

        var file = repo.Combine("artifacts", "graph", "index.html");
        Assert.That(run.ExitCode, Is.Zero, run.Output + run.Error);
        Assert.That(run.Output, Does.Contain($"Task graph: {file}"));
        Assert.That(run.Summary.Entries, Is.Empty, "the graph runs no task");
        await using var browser = await PageBrowser.LaunchAsync();
        var opened = await browser.OpenAsync(file, "task-graph");
        var rows = await opened.TextsAsync("table.graph-tasks tbody tr");
        await Assert.MultipleAsync(async () =>
        {
            Assert.That(rows.Select(r => r.Split('\t')[1]), Is.EqualTo(new[] { "clean", "validate", "package", "image", "push", "terraform-plan", "apply", "deploy", "verify", "default" }));
            Assert.That(rows[4], Does.Contain("skipped").And.Contain("'local' deploys on this machine's engine"), "the skip the settings decide");
            Assert.That(rows[3], Does.Contain("runs").And.Contain("package"), "image waits for package");
            Assert.That(await opened.TextsAsync("svg g.task"), Has.Length.EqualTo(10));
            Assert.That(await opened.CountAsync("svg path[marker-end]"), Is.GreaterThanOrEqualTo(9), "an arc for each dependency");
            Assert.That(opened.Requests, Is.Empty);
        });
        var boxes = await opened.TextsAsync("svg g.task");
        Assert.That(boxes.Where((_, i) => i != 4), Has.All.Contain("runs").And.All.Not.Contain("skipped"), "each box says its decision in a word, not only in its colour");
        Assert.That(boxes[4], Does.Contain("push").And.Contain("skipped").And.Contain("'local' deploys on this"), "the skipped box says why under it");

        var phone = await browser.OpenAsync(file, "task-graph-phone", 375);
        Assert.That(await phone.ScrollWidthAsync(), Is.LessThanOrEqualTo(375), "nothing makes a person scroll sideways on a phone");
        Assert.That(await RenderedFontSizeAsync(phone, "svg g.task text"), Is.GreaterThanOrEqualTo(12), "the task names stay readable at phone width");
    }

    /// <summary>The font size of the first <paramref name="selector"/> element in CSS pixels as drawn: its SVG size times the SVG's scale.</summary>
    private static Task<double> RenderedFontSizeAsync(OpenedPage page, string selector) => page.Page.EvaluateFunctionAsync<double>(
        "s => { const t = document.querySelector(s), svg = t.ownerSVGElement; " +
        "return parseFloat(t.getAttribute('font-size')) * svg.getBoundingClientRect().width / svg.viewBox.baseVal.width; }", selector);
}
