using QtsOps.Build;
using QtsOps.Host;
using QtsOps.Core.Pages;
using QtsOps.Core.Reports;
using QtsOps.Core.Verification;
using QtsOps.Tests.Host;

namespace QtsOps.Tests.Tools;

/// <summary>Writes a report whose finding is hostile markup and whose fix names the run's secret, as a damaged input could.</summary>
[TaskName("hostile-report")]
public sealed class HostileReportTask : FrostingTask<BuildContext>
{
    public const string Hostile = "<script>alert('pwned')</script><img src=x onerror=alert(2)>";

    public override void Run(BuildContext context) =>
        context.Reporting.Write("hostile-report", "failed", new { environment = context.EnvironmentName }, "# hostile-report",
            [Finding.Error("validate/hostile", "deployment_config.json", $"value {Hostile} is not allowed", $"log in with {RunReportPageTests.Secret}", 7)]);
}

[TaskName("skipped-probe")]
public sealed class SkippedProbeTask : FrostingTask<BuildContext>
{
    public override bool ShouldRun(BuildContext context) => SkipBecause("'local' deploys on this machine's engine; nothing to publish");
}

/// <summary>Fails with the secret in its message, as a tool's error can carry it.</summary>
[TaskName("page-probe")]
[IsDependentOn(typeof(HostileReportTask))]
[IsDependentOn(typeof(SkippedProbeTask))]
public sealed class PageProbeTask : FrostingTask<BuildContext>
{
    public override void Run(BuildContext context) => throw new InvalidOperationException($"registry refused password {RunReportPageTests.Secret}");
}

/// <summary>artifacts/reports/index.html, loaded in Debian's chromium as a person opens it from disk.</summary>
[TestFixture, NonParallelizable]
public class RunReportPageTests
{
    /// <summary>Made per run: a literal would be a secret in the repository for its own scan.</summary>
    public static readonly string Secret = $"Pa55-{Guid.NewGuid():N}";

    private PageBrowser _browser = null!;

    [OneTimeSetUp]
    public async Task Launch() => _browser = await PageBrowser.LaunchAsync();

    [OneTimeTearDown]
    public async Task Close() => await _browser.DisposeAsync();

    [Test]
    public async Task A_run_writes_a_page_that_shows_its_tasks_the_skip_reason_and_a_hostile_finding_as_text_without_the_secret()
    {
        using var repo = PipelineCheckout.WithEnvironments();
        using var variables = new EnvironmentVariableScope().Set("QTSOPS_REGISTRY_PASSWORD", Secret);

        var run = InProcessPipeline.Run(repo.Path, ["--target=page-probe"], typeof(HostileReportTask), typeof(SkippedProbeTask), typeof(PageProbeTask));

        Assert.That(run.ExitCode, Is.EqualTo(1), run.Output + run.Error);
        var file = repo.Combine("artifacts", "reports", "index.html");
        Assert.That(File.ReadAllText(file), Does.Not.Contain(Secret).And.Not.Contain("<script>"));
        var opened = await _browser.OpenAsync(file, "run-report-hostile");
        var text = await opened.VisibleTextAsync();
        var rows = await opened.TextsAsync("table.tasks tbody tr");
        await Assert.MultipleAsync(async () =>
        {
            Assert.That(rows.Select(r => r.Split('\t')[0]), Is.EqualTo(new[] { "hostile-report", "skipped-probe", "page-probe" }), "the tasks in run order");
            Assert.That(rows[1], Does.Contain("Skipped").And.Contain("'local' deploys on this machine's engine; nothing to publish"), "a skipped task shows why");
            Assert.That(rows[2], Does.Contain("Failed").And.Contain("registry refused password [REDACTED]"), "a failed task shows its error, masked");
            Assert.That(text, Does.Contain(HostileReportTask.Hostile), "the hostile finding reads as text");
            Assert.That(await opened.CountAsync("script, img, iframe, object"), Is.Zero, "no markup of a report became an element");
            Assert.That(opened.Dialogs, Is.Empty, "no script ran");
            Assert.That(text, Does.Not.Contain(Secret).And.Contain("log in with [REDACTED]"));
            Assert.That(text, Does.Contain("deployment_config.json:7"));
            Assert.That(opened.Requests, Is.Empty, "the page is self-contained: it asks for nothing");
        });
    }

    [Test]
    public async Task After_a_crashing_release_the_page_shows_the_failed_check_with_its_evidence_and_the_rollback_also_at_phone_width()
    {
        using var reports = new TempDirectory();
        WriteCrashedReleaseReports(reports.Path);
        RunTask[] tasks =
        [
            new("terraform-plan", "Succeeded", TimeSpan.FromSeconds(1), null),
            new("apply", "Skipped", TimeSpan.Zero, "plan had no changes"),
            new("deploy", "Succeeded", TimeSpan.FromSeconds(14), null),
            new("verify", "Failed", TimeSpan.FromSeconds(13), "1.4.0 failed verification (health-endpoint: GET /health -> 500 database is locked); rolled back to 1.3.2, which passed"),
            new("default", "Not run", TimeSpan.Zero, "an earlier task failed"),
        ];
        var file = reports.Write("index.html", RunReportPage.Render(
            new RunFacts("default", "staging", "1.4.0", "0123456789abcdef0123456789abcdef01234567", "ci-bot (GitHub Actions run 42)", DateTimeOffset.Parse("2026-12-06T04:00:00Z")),
            tasks, RunReportPage.ReadReports(reports.Path, ["terraform-plan", "verify", "rollback", "never-written"]), text => text));

        foreach (var (width, name) in new[] { (1100, "run-report-crashed-release"), (390, "run-report-crashed-release-phone") })
        {
            var opened = await _browser.OpenAsync(file, name, width);
            var checks = await opened.TextsAsync("#report-verify table.checks tbody tr");
            await Assert.MultipleAsync(async () =>
            {
                Assert.That(await opened.TextsAsync("h1"), Has.Some.Contain("Failed"));
                Assert.That(checks, Has.Some.Contain("health-endpoint").And.Contain("fail").And.Contain("GET /health -> 500 database is locked"), "the failed check, its word and its evidence");
                Assert.That(checks, Has.Some.Contain("running").And.Contain("pass"));
                Assert.That(await opened.TextsAsync("#report-rollback h2"), Is.EqualTo(new[] { "rollback passed" }), "the rollback and its result");
                Assert.That(await opened.TextsAsync("#report-terraform-plan table.changes tbody tr"), Has.Some.Contain("delete").And.Contain("terraform_data.old_target"));
                Assert.That(await opened.TextsAsync("table.tasks tbody tr"), Has.Some.Contain("apply").And.Contain("Skipped").And.Contain("plan had no changes"));
                Assert.That(await opened.TextsAsync("a[href='verify.json'], a[href='verify.md']"), Is.EqualTo(new[] { "verify.json", "verify.md" }), "links to the reports beside it");
                Assert.That(await opened.ScrollWidthAsync(), Is.LessThanOrEqualTo(width), "nothing makes a person scroll sideways");
                Assert.That(opened.Requests, Is.Empty);
            });
        }
    }

    [Test, Category("Core")]
    public void Every_text_is_masked_before_it_is_escaped_and_status_words_stand_beside_the_colours()
    {
        var html = RunReportPage.Render(new RunFacts("deploy", "local", "1.0.0", "abc", "me@box", DateTimeOffset.UnixEpoch),
            [new RunTask("deploy", "Failed", TimeSpan.FromSeconds(1), "token <b>A&B</b>")], [], text => text.Replace("A&B", "[REDACTED]"));

        Assert.That(html, Does.Contain("token &lt;b&gt;[REDACTED]&lt;/b&gt;").And.Not.Contain("<b>").And.Not.Contain("A&amp;B"));
        Assert.That(html, Does.Contain("<span class=\"badge bad\">Failed</span>"));
    }

    /// <summary>The reports a release that crashed after deploy leaves: the plan, the failed verify and the rollback's verify, written as verify writes them.</summary>
    private static void WriteCrashedReleaseReports(string directory)
    {
        ReportWriter.Write(directory, "terraform-plan", "passed", new
        {
            environment = "staging", hasChanges = true, counts = new { create = 1, update = 0, replace = 0, delete = 1 },
            changes = new { create = new[] { "terraform_data.deployment_target" }, update = Array.Empty<string>(), replace = Array.Empty<string>(), delete = new[] { "terraform_data.old_target" } },
        }, "# terraform-plan", []);
        var at = DateTimeOffset.Parse("2026-12-06T03:59:00Z");
        CheckResult running = new("running", true, "qts-observer-b is running since 2026-12-06 03:58:40Z", null);
        var verify = VerifyReport.Of("verify", "staging", "1.4.0", "qts-observer-b", at,
            [running, new CheckResult("health-endpoint", false, "GET /health -> 500 database is locked", "Read the container's log: docker logs qts-observer-b")], "src/observer/docker-compose.yml");
        ReportWriter.Write(directory, "verify", "failed", verify, verify.ToMarkdown(), verify.Findings);
        var rollback = VerifyReport.Of("rollback", "staging", "1.3.2", "qts-observer-a", at.AddSeconds(30),
            [running with { Evidence = "qts-observer-a is running since 2026-12-06 03:59:20Z" }], "src/observer/docker-compose.yml");
        ReportWriter.Write(directory, "rollback", "passed", rollback, rollback.ToMarkdown(), rollback.Findings);
    }
}
