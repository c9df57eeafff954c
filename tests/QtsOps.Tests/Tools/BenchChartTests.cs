using System.Xml.Linq;
using QtsOps.Tests.Docker;

namespace QtsOps.Tests.Tools;

/// <summary>bench/chart.py: the charts of docs/BENCHMARKS.md drawn from known figures, parsed as XML and loaded in Debian's chromium.</summary>
[TestFixture, NonParallelizable]
public class BenchChartTests
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    private const string Benchmarks = """
        # Benchmarks

        <!-- upgrade:start -->
        ## Upgrades

        | during | strategy | requests | failed | longest without an answer |
        |---|---|---|---|---|
        | (a) an upgrade (`./build.sh` after a commit) | start-first | 204 | 0 | 73 ms |
        | | recreate | 201 | 8 | 1358 ms |
        | (b) a release that crashes at start, and its rollback | start-first | 168 | 0 | 63 ms |
        | | recreate | 211 | 47 | 3327 ms |
        | (c) `./build.sh --target=rollback` | start-first | 131 | 0 | 64 ms |
        | | recreate | 128 | 7 | 1322 ms |

        Failed requests each second of (a): start-first: 0 0 0 0; recreate: 0 3 5 0.
        <!-- upgrade:end -->

        <!-- inner-loop:start -->
        ## Inner loop

        | pipeline | bare | ratio |
        |---|---|---|
        | 7.3 s | 2.8 s | 2.6 |

        Each run (ms): pipeline 7000 7500; bare 3000 2500.
        <!-- inner-loop:end -->

        <!-- mutation:start -->
        ## Mutation

        | file | mutants | killed | timeout | survived | no coverage | score |
        |---|---|---|---|---|---|---|
        | Json/JsonSource.cs | 4 | 2 | 1 | 1 | 0 | 75.0% |
        | Deployment/DataBackup.cs | 10 | 9 | 0 | 0 | 1 | 90.0% |
        | Deployment/DeploySkip.cs | 10 | 10 | 0 | 0 | 0 | 100.0% |
        | **total** | 24 | 21 | 1 | 1 | 1 | **91.7%** |

        | where | mutator | original | mutant | status |
        |---|---|---|---|---|
        | Json/JsonSource.cs:62 | String mutation | `"$"` | `""` | survived |
        <!-- mutation:end -->
        """;

    [Test]
    public async Task The_charts_drawn_from_known_figures_are_well_formed_svg_with_their_points_and_labels_in_the_browser()
    {
        using var directory = new TempDirectory();
        var doc = directory.Write("BENCHMARKS.md", Benchmarks);
        var charts = directory.Combine("charts");

        var run = Chart("--doc", doc, "--out", charts, "upgrade", "inner-loop", "mutation");

        Assert.That(run.ExitCode, Is.Zero, run.Error);
        Assert.That(Directory.GetFiles(charts).Select(Path.GetFileName).Order(),
            Is.EqualTo(new[] { "inner-loop.svg", "mutation.svg", "upgrade-timeline.svg", "upgrade.svg" }));
        var upgrade = Bars(Path.Combine(charts, "upgrade.svg"));
        var timeline = XDocument.Load(Path.Combine(charts, "upgrade-timeline.svg"));
        var mutation = Bars(Path.Combine(charts, "mutation.svg"));
        Assert.Multiple(() =>
        {
            Assert.That(upgrade, Is.EqualTo(new[]
            {
                ("start-first", "(a) an upgrade", "0"), ("recreate", "(a) an upgrade", "8"),
                ("start-first", "(b) a release that crashes at start", "0"), ("recreate", "(b) a release that crashes at start", "47"),
                ("start-first", "(c) ./build.sh --target=rollback", "0"), ("recreate", "(c) ./build.sh --target=rollback", "7"),
            }), "failed requests of each scenario and strategy, from the table");
            Assert.That(Bars(Path.Combine(charts, "inner-loop.svg")), Is.EqualTo(new[]
            {
                ("pipeline", "run 1", "7"), ("bare", "run 1", "3"), ("pipeline", "run 2", "7.5"), ("bare", "run 2", "2.5"),
            }), "each run in seconds, from the 'Each run (ms)' line");
            Assert.That(mutation, Is.EqualTo(new[] { ("score", "Deployment", "95"), ("score", "Json", "75") }),
                "(killed + timeout) / valid of each folder, best first; the total and the survivors' table left out");
            Assert.That(timeline.Descendants(Svg + "g").Where(g => (string?)g.Attribute("class") == "series")
                    .Select(g => ((string?)g.Attribute("data-series"), string.Join(" ", g.Elements(Svg + "circle").Select(c => $"{c.Attribute("data-x")!.Value}:{c.Attribute("data-y")!.Value}")))),
                Is.EqualTo(new[] { ("start-first", "0:0 1:0 2:0 3:0"), ("recreate", "0:0 1:3 2:5 3:0") }), "the failed requests each second, a point each");
        });

        await using var browser = await PageBrowser.LaunchAsync();
        var opened = await browser.OpenAsync(Path.Combine(charts, "upgrade.svg"), "chart-upgrade", 900);
        var openedMutation = await browser.OpenAsync(Path.Combine(charts, "mutation.svg"), "chart-mutation", 900);
        var openedTimeline = await browser.OpenAsync(Path.Combine(charts, "upgrade-timeline.svg"), "chart-upgrade-timeline", 900);
        await Assert.MultipleAsync(async () =>
        {
            Assert.That(await opened.TextsAsync("g.bar text"), Is.EqualTo(new[]
                { "start-first 0 failed", "recreate 8 failed", "start-first 0 failed", "recreate 47 failed", "start-first 0 failed", "recreate 7 failed" }),
                "each bar says its strategy and figure in words, not only in colour");
            Assert.That(await opened.TextsAsync("text.heading"), Is.EqualTo(new[] { "Failed requests to /health during releases, by strategy" }));
            Assert.That(await openedMutation.TextsAsync("g.bar text, g.goal text"), Is.EqualTo(new[] { "95 %", "75 %", "goal 96 %" }));
            Assert.That(await openedTimeline.CountAsync("circle.point"), Is.EqualTo(8));
            Assert.That(await openedTimeline.TextsAsync("g.series text.end"), Is.EqualTo(new[] { "start-first", "recreate" }), "each line named at its end");
            Assert.That(await BarWidthsAsync(opened), Is.EqualTo(new[] { 1.0, 8 * 420 / 47.0, 1.0, 420.0, 1.0, 7 * 420 / 47.0 }).Within(0.2),
                "drawn to scale: the longest bar fills the plot, the empty ones are a hairline");
            Assert.That(opened.Requests.Concat(openedMutation.Requests).Concat(openedTimeline.Requests), Is.Empty, "the charts ask for nothing");
        });
    }

    [Test]
    public void A_benchmarks_file_without_the_section_is_refused_naming_the_file_the_section_and_the_fix()
    {
        using var directory = new TempDirectory();
        var doc = directory.Write("BENCHMARKS.md", "# Benchmarks\n");

        var run = Chart("--doc", doc, "--out", directory.Combine("charts"), "inner-loop");

        Assert.That(run.ExitCode, Is.Not.Zero);
        Assert.That(run.Error, Does.Contain(doc).And.Contain("no section 'inner-loop'").And.Contain("Fix: run bench/inner-loop.sh"));
        Assert.That(Directory.Exists(directory.Combine("charts")) ? Directory.GetFiles(directory.Combine("charts")) : [], Is.Empty, "no chart half drawn");
    }

    private static Command.Result Chart(params string[] args) => Command.Run("python3", [SourceRepository.Combine("bench", "chart.py"), .. args]);

    /// <summary>The bars of a chart as (series, category, value), in drawing order; loading it proves it well-formed XML.</summary>
    private static (string?, string?, string?)[] Bars(string file) =>
        [.. XDocument.Load(file).Descendants(Svg + "g").Where(g => (string?)g.Attribute("class") == "bar")
            .Select(g => ((string?)g.Attribute("data-series"), (string?)g.Attribute("data-category"), (string?)g.Attribute("data-value")))];

    private static Task<double[]> BarWidthsAsync(OpenedPage page) =>
        page.Page.EvaluateExpressionAsync<double[]>("Array.from(document.querySelectorAll('g.bar rect'), r => r.getBBox().width)");
}
