using QtsOps.Build;
using QtsOps.Host;
using QtsOps.Tests.Host;

namespace QtsOps.Tests.Tools;

/// <summary>Stands in for a report writer: registers a summary section and annotates a finding.</summary>
[TaskName("report-probe")]
public sealed class ReportProbeTask : FrostingTask<BuildContext>
{
    public override void Run(BuildContext context)
    {
        context.Reporting.AddSummarySection("Verify", "| check | result |\n|---|---|\n| /health | 200 |");
        context.Reporting.Annotate("error", "OBSERVER_DATA_DIR differs from the compose file", Path.Combine(context.RepositoryRoot, "src", "observer", "Dockerfile"), 12, "env-agree");
        context.Reporting.Annotate("info", "disk at 50%\nof 10 GB");
    }
}

/// <summary>The real pipeline as GitHub Actions runs it (GITHUB_ACTIONS=true).</summary>
public class GitHubActionsRunTests
{
    [Test]
    public void Under_github_actions_tasks_are_grouped_findings_annotated_and_the_summary_written()
    {
        using var repo = new TempGitRepository();
        repo.Commit("feat: first");
        repo.Tag("v1.2.3");
        var summaryFile = repo.Combine("..", Path.GetFileName(repo.Path) + "-summary.md");
        File.WriteAllText(summaryFile, "earlier step\n");
        using var environment = new EnvironmentVariableScope().Set("GITHUB_ACTIONS", "true").Set("GITHUB_STEP_SUMMARY", summaryFile);

        try
        {
            var run = InProcessPipeline.Run(repo.Path, ["--target=clean", "--target=report-probe", "--env=staging"], typeof(ReportProbeTask));

            Assert.That(run.ExitCode, Is.Zero, run.Error);
            Assert.That(run.Output, Does.Contain("::group::clean").And.Contain("::group::report-probe"));
            Assert.That(run.Output.Split("::endgroup::").Length - 1, Is.EqualTo(2));
            Assert.That(run.Output, Does.Contain("::error title=env-agree,file=src/observer/Dockerfile,line=12::OBSERVER_DATA_DIR differs from the compose file"));
            Assert.That(run.Output, Does.Contain("::notice::disk at 50%25%0Aof 10 GB"), "another severity is a notice, one line");

            var summary = File.ReadAllText(summaryFile);
            Assert.That(summary, Does.StartWith("earlier step\n## QtsOps clean, report-probe · staging · 1.2.3 (tagged v1.2.3)\n\n| Task | Status | Duration | Note |"));
            Assert.That(summary, Does.Match(@"\| clean \| Succeeded \| \d\d:\d\d:\d\d\.\d{3} \|"));
            Assert.That(summary, Does.Contain("### Verify\n\n| check | result |\n|---|---|\n| /health | 200 |"));
        }
        finally
        {
            File.Delete(summaryFile);
        }
    }

    [TestCase(true)]
    [TestCase(false)]
    public void Under_github_actions_every_secret_is_masked_before_anything_else_is_printed(bool underGitHubActions)
    {
        using var repo = new TempGitRepository();
        repo.Commit("feat: first");
        const string registryLogin = "r3g1stry-pa55";
        var keyBegins = "-----BEGIN " + "OPENSSH PRIVATE KEY-----"; // split, so that the repository's own secret scan does not take it for a key
        const string webhook = "https://hooks.example.com/services/T000/B000/XXXX";
        using var environment = new EnvironmentVariableScope().Set("GITHUB_ACTIONS", underGitHubActions ? "true" : null).Set("GITHUB_STEP_SUMMARY", null)
            .Set("QTSOPS_REGISTRY_PASSWORD", registryLogin).Set("QTSOPS_SSH_KEY", $"{keyBegins}\nb3BlbnNzaC1rZXk\n-----END OPENSSH PRIVATE KEY-----\n")
            .Set("QTSOPS_NOTIFY_WEBHOOK", webhook);

        var run = InProcessPipeline.Run(repo.Path, ["--target=clean"]);

        Assert.That(run.ExitCode, Is.Zero, run.Error);
        var lines = run.Output.Split('\n');
        var masks = lines.TakeWhile(line => line.StartsWith("::add-mask::")).ToList();
        Assert.That(masks, underGitHubActions
            ? Is.EquivalentTo(new[] { $"::add-mask::{registryLogin}", $"::add-mask::{webhook}", $"::add-mask::{keyBegins}", "::add-mask::b3BlbnNzaC1rZXk", "::add-mask::-----END OPENSSH PRIVATE KEY-----" })
            : Is.Empty);
        Assert.That(lines.Skip(masks.Count).Where(line => line.Contains("add-mask")), Is.Empty, "no mask comes after other output");
    }

    [Test]
    public void Under_github_actions_a_failed_task_is_an_error_annotation_and_a_failed_row()
    {
        using var repo = new TempGitRepository();
        repo.Commit("feat: first");
        repo.Write("dirty.txt", "uncommitted");
        var summaryFile = repo.Combine("..", Path.GetFileName(repo.Path) + "-summary.md");
        using var environment = new EnvironmentVariableScope().Set("GITHUB_ACTIONS", "true").Set("GITHUB_STEP_SUMMARY", summaryFile);

        try
        {
            var run = InProcessPipeline.Run(repo.Path, ["--target=release", "--bump=patch"]);

            Assert.That(run.ExitCode, Is.EqualTo(1));
            Assert.That(run.Output, Does.Contain("::error title=release failed::The working tree has uncommitted changes"));
            Assert.That(File.ReadAllText(summaryFile), Does.Contain("| release | Failed |"));
        }
        finally
        {
            File.Delete(summaryFile);
        }
    }

    [Test]
    public void Outside_github_actions_there_are_no_workflow_commands_and_no_summary()
    {
        using var repo = new TempGitRepository();
        repo.Commit("feat: first");
        var summaryFile = repo.Combine("artifacts", "summary.md");
        using var environment = new EnvironmentVariableScope().Set("GITHUB_ACTIONS", null).Set("GITHUB_STEP_SUMMARY", summaryFile);

        var run = InProcessPipeline.Run(repo.Path, ["--target=report-probe"], typeof(ReportProbeTask));

        Assert.That(run.ExitCode, Is.Zero, run.Error);
        Assert.That(run.Output, Does.Not.Contain("::"));
        Assert.That(File.Exists(summaryFile), Is.False);
    }
}
