using System.Text.Json.Nodes;
using QtsOps.Core.Pages;

namespace QtsOps.Tests.Core;

/// <summary>artifacts/reports/index.html as text: the heading, the task timeline, and each report's facts, checks, changes and findings, escaped and masked (Tools/RunReportPageTests opens it in chromium).</summary>
[Category("Core")]
public class RunReportPageTests
{
    private static readonly RunFacts Run = new("deploy", "staging", "1.4.0", "abc1234", "ci s3cret", DateTimeOffset.Parse("2026-12-01T10:05:00+01:00"));

    private static string Mask(string text) => text.Replace("s3cret", "***");

    private static string Render(IReadOnlyList<RunTask> tasks, params ReportFile[] reports) => RunReportPage.Render(Run, tasks, reports, Mask);

    private static ReportFile Report(string name, string json) => new(name, JsonNode.Parse(json)!.AsObject(), null);

    private static string Row(params string[] cells) => "<tr>" + string.Concat(cells) + "</tr>\n";

    [Test]
    public void The_heading_names_the_targets_and_a_failed_task_fails_the_run()
    {
        var html = Render([new RunTask("verify", "Failed", TimeSpan.FromSeconds(1), "boom")]);

        Assert.That(html, Does.Contain("<title>QtsOps deploy &#183; staging &#183; 1.4.0</title>"));
        Assert.That(html, Does.Contain("<h1>QtsOps run: deploy <span class=\"badge bad\">Failed</span></h1>\n"));
        Assert.That(html, Does.Contain("<dl class=\"facts\"><dt>environment</dt><dd>staging</dd><dt>version</dt><dd><code>1.4.0</code></dd>" +
                                       "<dt>commit</dt><dd><code>abc1234</code></dd><dt>ran by</dt><dd>ci ***</dd><dt>finished</dt><dd>2026-12-01 09:05:00Z</dd></dl>\n"),
            "the run's facts, masked, the time in UTC");
        Assert.That(html, Does.Not.Contain("<nav>"), "no reports, no links to them");
    }

    [Test]
    public void One_failed_task_among_succeeded_ones_fails_the_run_and_the_nav_links_each_report()
    {
        var html = Render([new RunTask("build", "Succeeded", TimeSpan.FromSeconds(2), null), new RunTask("verify", "Failed", TimeSpan.FromSeconds(1), "boom")],
            Report("validate", """{"status": "passed"}"""), Report("verify", """{"status": "failed"}"""));

        Assert.That(html, Does.Contain("<h1>QtsOps run: deploy <span class=\"badge bad\">Failed</span></h1>\n"));
        Assert.That(html, Does.Contain("<nav>Reports: <a href=\"#report-validate\">validate</a> <a href=\"#report-verify\">verify</a></nav>\n"));
    }

    [Test]
    public void A_run_without_a_failed_task_succeeded()
    {
        var html = Render([new RunTask("build", "Succeeded", TimeSpan.FromSeconds(2), null), new RunTask("push", "Skipped", TimeSpan.Zero, "local")]);

        Assert.That(html, Does.Contain("<h1>QtsOps run: deploy <span class=\"badge good\">Succeeded</span></h1>\n"));
    }

    [Test]
    public void Each_task_is_a_row_with_its_bar_where_it_ran_in_the_run_and_the_total()
    {
        var html = Render(
        [
            new RunTask("build", "Succeeded", TimeSpan.FromSeconds(1), null),
            new RunTask("push", "Skipped", TimeSpan.FromSeconds(1), "local <env>"),
            new RunTask("verify", "Failed", TimeSpan.FromMilliseconds(1001), "GET /health -> 500 s3cret"),
        ]);

        Assert.That(html, Does.Contain(
            "<h2 id=\"tasks\">Tasks</h2>\n<div class=\"scroll\"><table class=\"tasks\"><thead><tr><th scope=\"col\">task</th><th scope=\"col\">status</th>" +
            "<th scope=\"col\">duration</th><th scope=\"col\">timeline</th><th scope=\"col\">note</th></tr></thead><tbody>\n" +
            Row("<td data-label=\"task\"><code>build</code></td>", "<td data-label=\"status\"><span class=\"badge good\">Succeeded</span></td>",
                "<td data-label=\"duration\">00:00:01.000</td>",
                "<td data-label=\"timeline\"><div class=\"track\" aria-hidden=\"true\"><div class=\"bar good\" style=\"left:0%;width:33.32%\"></div></div></td>",
                "<td data-label=\"note\"></td>") +
            Row("<td data-label=\"task\"><code>push</code></td>", "<td data-label=\"status\"><span class=\"badge warn\">Skipped</span></td>",
                "<td data-label=\"duration\">-</td>",
                "<td data-label=\"timeline\"><div class=\"track\" aria-hidden=\"true\"><div class=\"bar warn\" style=\"left:33.32%;width:33.32%\"></div></div></td>",
                "<td data-label=\"note\">local &lt;env&gt;</td>") +
            Row("<td data-label=\"task\"><code>verify</code></td>", "<td data-label=\"status\"><span class=\"badge bad\">Failed</span></td>",
                "<td data-label=\"duration\">00:00:01.001</td>",
                "<td data-label=\"timeline\"><div class=\"track\" aria-hidden=\"true\"><div class=\"bar bad\" style=\"left:66.64%;width:33.36%\"></div></div></td>",
                "<td data-label=\"note\">GET /health -&gt; 500 ***</td>") +
            "</tbody></table></div>\n<p>Total: 00:00:03.001</p>\n"));
    }

    [Test]
    public void A_run_of_no_task_has_an_empty_table_and_a_zero_total()
    {
        var html = Render([]);

        Assert.That(html, Does.Contain("</tr></thead><tbody>\n</tbody></table></div>\n<p>Total: 00:00:00.000</p>\n"));
    }

    [Test]
    public void A_report_shows_its_scalar_members_as_facts_short_lists_in_full_and_long_ones_counted()
    {
        var report = Report("validate", """
            {"target": "validate", "status": "failed", "environment": "staging", "count": 3, "tags": ["a", "b"],
             "ten": [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], "eleven": [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10], "mixed": [1, {"a": 1}],
             "nested": {"x": 1, "y": [1], "z": "q<"}, "nothing": null, "counts": {"errors": 1}, "findings": []}
            """);

        var html = Render([], report);

        Assert.That(html, Does.Contain("<nav>Reports: <a href=\"#report-validate\">validate</a></nav>\n"));
        Assert.That(html, Does.Contain(
            "<section id=\"report-validate\">\n<h2>validate <span class=\"badge bad\">failed</span></h2>\n" +
            "<p><a href=\"validate.json\">validate.json</a> · <a href=\"validate.md\">validate.md</a></p>\n" +
            "<dl class=\"facts\"><dt>environment</dt><dd>staging</dd><dt>count</dt><dd>3</dd><dt>tags</dt><dd>a, b</dd>" +
            "<dt>ten</dt><dd>0, 1, 2, 3, 4, 5, 6, 7, 8, 9</dd><dt>eleven</dt><dd>11 entries (see the JSON)</dd><dt>mixed</dt><dd>2 entries (see the JSON)</dd>" +
            "<dt>nested</dt><dd>x: 1; z: q&lt;</dd></dl>\n</section>\n"),
            "target, status, counts and an empty findings list have their own places; a null member is left out");
    }

    [Test]
    public void A_report_that_could_not_be_read_says_why_under_its_links()
    {
        var html = Render([], new ReportFile("odd name&", null, "/r/odd.json: not a JSON object."));

        Assert.That(html, Does.Contain("<nav>Reports: <a href=\"#report-odd name&amp;\">odd name&amp;</a></nav>\n"));
        Assert.That(html, Does.Contain(
            "<section id=\"report-odd name&amp;\">\n<h2>odd name&amp; <span class=\"badge neutral\">unreadable</span></h2>\n" +
            "<p><a href=\"odd%20name%26.json\">odd name&amp;.json</a> · <a href=\"odd%20name%26.md\">odd name&amp;.md</a></p>\n" +
            "<p><span class=\"badge bad\">error</span> /r/odd.json: not a JSON object.</p>\n</section>\n"));
    }

    [Test]
    public void A_status_that_is_not_a_word_reads_unreadable()
    {
        var html = Render([], Report("plan", """{"status": {"word": "ok"}}"""));

        Assert.That(html, Does.Contain("<h2>plan <span class=\"badge neutral\">unreadable</span></h2>\n"));
        Assert.That(html, Does.Contain("<dl class=\"facts\"></dl>\n</section>\n"));
    }

    [Test]
    public void Checks_are_rows_with_pass_only_for_a_true_passed()
    {
        var html = Render([], Report("verify", """
            {"status": "passed", "checks": [
              {"name": "running", "passed": true, "evidence": "up since 09:00", "fix": null},
              {"name": "health", "passed": false, "evidence": "GET /health -> 500", "fix": "docker logs <c>"},
              {"name": "odd", "passed": "yes"}, 5]}
            """));

        Assert.That(html, Does.Contain(
            "<h3>Checks</h3>\n<div class=\"scroll\"><table class=\"checks\"><thead><tr><th scope=\"col\">check</th><th scope=\"col\">result</th>" +
            "<th scope=\"col\">evidence</th><th scope=\"col\">fix</th></tr></thead><tbody>\n" +
            Row("<td data-label=\"check\"><code>running</code></td>", "<td data-label=\"result\"><span class=\"badge good\">pass</span></td>",
                "<td data-label=\"evidence\">up since 09:00</td>", "<td data-label=\"fix\"></td>") +
            Row("<td data-label=\"check\"><code>health</code></td>", "<td data-label=\"result\"><span class=\"badge bad\">fail</span></td>",
                "<td data-label=\"evidence\">GET /health -&gt; 500</td>", "<td data-label=\"fix\">docker logs &lt;c&gt;</td>") +
            Row("<td data-label=\"check\"><code>odd</code></td>", "<td data-label=\"result\"><span class=\"badge bad\">fail</span></td>",
                "<td data-label=\"evidence\"></td>", "<td data-label=\"fix\"></td>") +
            "</tbody></table></div>\n</section>\n"));
        Assert.That(html, Does.Not.Contain("<dt>checks</dt>"), "the checks have their own section, not a fact");
    }

    [Test]
    public void Planned_changes_are_a_row_an_action_with_their_count_and_resources()
    {
        var html = Render([], Report("terraform-plan", """
            {"status": "planned", "changes": {"create": ["docker_network.observer", "docker_volume.<data>", null], "update": [], "delete": "docker_container.old"}}
            """));

        Assert.That(html, Does.Contain(
            "<h3>Planned changes</h3>\n<div class=\"scroll\"><table class=\"changes\"><thead><tr><th scope=\"col\">action</th><th scope=\"col\">count</th>" +
            "<th scope=\"col\">resources</th></tr></thead><tbody>\n" +
            Row("<td data-label=\"action\"><span class=\"badge good\">create</span></td>", "<td data-label=\"count\">3</td>",
                "<td data-label=\"resources\"><code>docker_network.observer</code><br><code>docker_volume.&lt;data&gt;</code><br><code></code></td>") +
            Row("<td data-label=\"action\"><span class=\"badge neutral\">update</span></td>", "<td data-label=\"count\">0</td>", "<td data-label=\"resources\"></td>") +
            Row("<td data-label=\"action\"><span class=\"badge neutral\">replace</span></td>", "<td data-label=\"count\">0</td>", "<td data-label=\"resources\"></td>") +
            Row("<td data-label=\"action\"><span class=\"badge neutral\">delete</span></td>", "<td data-label=\"count\">0</td>", "<td data-label=\"resources\"></td>") +
            "</tbody></table></div>\n</section>\n"));
        Assert.That(html, Does.Not.Contain("<dt>changes</dt>"), "the changes have their own section, not a fact");
    }

    [Test]
    public void Findings_are_rows_with_their_severity_rule_file_and_line_message_and_fix()
    {
        var html = Render([], Report("validate", """
            {"status": "failed", "findings": [
              {"severity": "error", "rule": "QTS001", "file": "main.tf", "line": 12, "message": "port <8080> open", "fix": "close it"},
              {"severity": "warning", "rule": "QTS002", "file": "compose.yml", "message": "no limit", "fix": "set mem_limit"}, "x"]}
            """));

        Assert.That(html, Does.Contain(
            "<h3>Findings</h3>\n<div class=\"scroll\"><table class=\"findings\"><thead><tr><th scope=\"col\">severity</th><th scope=\"col\">rule</th>" +
            "<th scope=\"col\">where</th><th scope=\"col\">message</th><th scope=\"col\">fix</th></tr></thead><tbody>\n" +
            Row("<td data-label=\"severity\"><span class=\"badge bad\">error</span></td>", "<td data-label=\"rule\"><code>QTS001</code></td>",
                "<td data-label=\"where\">main.tf:12</td>", "<td data-label=\"message\">port &lt;8080&gt; open</td>", "<td data-label=\"fix\">close it</td>") +
            Row("<td data-label=\"severity\"><span class=\"badge warn\">warning</span></td>", "<td data-label=\"rule\"><code>QTS002</code></td>",
                "<td data-label=\"where\">compose.yml</td>", "<td data-label=\"message\">no limit</td>", "<td data-label=\"fix\">set mem_limit</td>") +
            "</tbody></table></div>\n</section>\n"));
    }

    [Test]
    public void The_reports_this_run_wrote_are_read_in_the_order_they_were_written_then_by_name()
    {
        using var directory = new TempDirectory();
        var when = new DateTime(2026, 12, 1, 9, 0, 0, DateTimeKind.Utc);
        File.SetLastWriteTimeUtc(directory.Write("verify.json", """{"status": "passed"}"""), when.AddMinutes(2));
        File.SetLastWriteTimeUtc(directory.Write("validate.json", """{"status": "passed"}"""), when);
        File.SetLastWriteTimeUtc(directory.Write("build.json", "[1]"), when.AddMinutes(1));
        File.SetLastWriteTimeUtc(directory.Write("Bundle.json", "{\"status\": "), when.AddMinutes(1));
        directory.Write("other.json", "{}");

        var reports = RunReportPage.ReadReports(directory.Path, ["verify", "build", "validate", "Bundle", "push"]);

        Assert.That(reports.Select(r => r.Name), Is.EqualTo(new[] { "validate", "Bundle", "build", "verify" }),
            "by time, the same time by name (ordinal); push wrote none and other.json is not a target of this run");
        Assert.That(reports[0].Json!["status"]!.ToString(), Is.EqualTo("passed"));
        Assert.That(reports[0].Problem, Is.Null);
        Assert.That(reports[1].Json, Is.Null);
        Assert.That(reports[1].Problem, Does.StartWith(directory.Combine("Bundle.json") + ": not valid JSON (").And.EndWith(")."));
        Assert.That(reports[2].Json, Is.Null);
        Assert.That(reports[2].Problem, Is.EqualTo(directory.Combine("build.json") + ": not a JSON object."));
    }

    [Test]
    public void One_report_is_read_by_its_path_or_is_null_when_there_is_none()
    {
        using var directory = new TempDirectory();
        var path = directory.Write("verify.json", """{"status": "failed"}""");

        var report = RunReportPage.ReadReport(path);

        Assert.That(report!.Name, Is.EqualTo("verify"));
        Assert.That(report.Json!["status"]!.ToString(), Is.EqualTo("failed"));
        Assert.That(RunReportPage.ReadReport(directory.Combine("rollback.json")), Is.Null);
    }
}
