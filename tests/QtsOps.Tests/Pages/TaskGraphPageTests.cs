using QtsOps.Tests.Build;

namespace QtsOps.Tests.Pages;

/// <summary>--tree --html: artifacts/graph/index.html, loaded in Debian's chromium.</summary>
[TestFixture, NonParallelizable]
public class TaskGraphPageTests
{
    [Test]
    public async Task Tree_html_draws_the_default_graph_in_run_order_with_push_skipped_on_local()
    {
        using var repo = PipelineCheckout.WithEnvironments();

        var run = Pipeline.Run(repo.Path, ["--tree", "--html"]);

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
    }
}
