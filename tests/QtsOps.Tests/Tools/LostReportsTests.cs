using QtsOps.Build;
using QtsOps.Host;
using QtsOps.Tests.Host;

namespace QtsOps.Tests.Tools;

/// <summary>Stands in for whatever removes artifacts/ while a run goes on (a hand, another checkout's clean).</summary>
[TaskName("remove-artifacts-probe")]
public sealed class RemoveArtifactsProbeTask : FrostingTask<BuildContext>
{
    public override void Run(BuildContext context) => Directory.Delete(Path.Combine(context.RepositoryRoot, "artifacts"), recursive: true);
}

/// <summary>A run whose reports were removed under it fails, saying so (issue 29, point 13).</summary>
public class LostReportsTests
{
    private static readonly DateTimeOffset CommitTime = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);

    [Test]
    public void A_run_whose_artifacts_are_removed_while_it_runs_fails_naming_the_lost_reports()
    {
        using var repo = new ScratchRepository("src", "environments.json");
        repo.Commit(CommitTime);

        var run = InProcessPipeline.Run(repo.Path, ["--target=validate", "--target=remove-artifacts-probe", "--exclusive"], typeof(RemoveArtifactsProbeTask));

        Assert.That(run.Entry("validate").Outcome, Is.EqualTo(TaskOutcome.Succeeded));
        Assert.That(run.ExitCode, Is.EqualTo(1));
        Assert.That(run.Error, Does.Contain($"The reports of validate are gone from {Path.Combine(repo.Path, "artifacts", "reports")}: artifacts/ was removed while the run went on."));
    }

    [Test]
    public void Reports_that_clean_removes_when_asked_are_not_missed()
    {
        using var repo = new ScratchRepository("src", "environments.json");
        repo.Commit(CommitTime);

        var run = InProcessPipeline.Run(repo.Path, ["--target=validate", "--target=clean", "--exclusive"]);

        Assert.That(run.ExitCode, Is.Zero, run.Error);
        Assert.That(File.Exists(repo.Combine("artifacts/reports/validate.json")), Is.False);
    }
}
