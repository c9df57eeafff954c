using QtsOps.Build;
using QtsOps.Host;
using QtsOps.Tests.Host;

namespace QtsOps.Tests.Tools;

/// <summary>
/// A stand-in for the deploy task, run dry: the setup refuses what prod does not take before any task
/// runs, in a dry run as in a real one (which would go on to the preflight of a host these tests lack).
/// </summary>
[TaskName("deploy")]
public sealed class DeployProbeTask : FrostingTask<BuildContext>
{
    public static bool Ran { get; set; }
    public override void DryRun(BuildContext context) => Ran = true;
}

public class ProtectedEnvironmentTests
{
    private static HostRun Deploy(TempGitRepository repo, string environment)
    {
        DeployProbeTask.Ran = false;
        // The probe alone, in place of the real deploy task.
        return HostRun.Of(BuildHost.Create().UseTasks(typeof(DeployProbeTask)).UseWorkingDirectory(repo.Path), "--target=deploy", $"--env={environment}", "--dryrun");
    }

    /// <summary>Protection comes from environments.json: the checked-in one, committed.</summary>
    private static TempGitRepository RepositoryWithEnvironments()
    {
        var repo = new TempGitRepository();
        SourceRepository.CopyTo("environments.json", repo.Combine("environments.json"));
        return repo;
    }

    [Test]
    public void Prod_deploy_of_an_untagged_commit_fails_before_any_task_runs()
    {
        using var repo = RepositoryWithEnvironments();
        repo.Commit("feat: first");
        repo.Tag("v1.2.3");
        repo.Commit("feat: second");

        var run = Deploy(repo, "prod");

        Assert.That(run.ExitCode, Is.EqualTo(1));
        Assert.That(DeployProbeTask.Ran, Is.False);
        Assert.That(run.Error, Does.Contain("prod deploys release versions only").And.Contain("1.2.4-alpha.0.1"));
    }

    [Test]
    public void Prod_deploy_of_a_tagged_clean_commit_runs_and_staging_takes_anything()
    {
        using var repo = RepositoryWithEnvironments();
        repo.Commit("feat: first");
        repo.Tag("v1.2.3");

        var prod = Deploy(repo, "prod");
        Assert.That(prod.ExitCode, Is.Zero, prod.Error);
        Assert.That(DeployProbeTask.Ran, Is.True);
        Assert.That(prod.Output, Does.Contain("QtsOps 1.2.3 (tagged v1.2.3): environment prod"));

        repo.Commit("feat: second");
        var staging = Deploy(repo, "staging");
        Assert.That(staging.ExitCode, Is.Zero, staging.Error);
        Assert.That(DeployProbeTask.Ran, Is.True);
    }
}
