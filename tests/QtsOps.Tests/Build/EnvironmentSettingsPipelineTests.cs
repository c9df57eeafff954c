using QtsOps.Release.Environments;

namespace QtsOps.Tests.Build;

/// <summary>environments.json as the pipeline reads it, before any engine is asked.</summary>
public class EnvironmentSettingsPipelineTests
{
    private static TempGitRepository RepositoryWith(string environments)
    {
        var repo = new TempGitRepository();
        repo.Write(EnvironmentCatalog.FileName, environments);
        repo.Commit("feat: settings");
        return repo;
    }

    [Test]
    public void Deploying_to_a_protected_environment_needs_approval_before_anything_else()
    {
        using var repo = RepositoryWith(File.ReadAllText(Path.Combine(SourceRepository.Root, EnvironmentCatalog.FileName)));
        repo.Tag("v1.0.0"); // prod takes release versions only
        using var outsideCi = new EnvironmentVariableScope().Set("CI", null).Set("GITHUB_ACTIONS", null); // a CI run counts as approved

        var run = Pipeline.Run(repo.Path, ["--target=deploy", "--exclusive", "--env=prod"]);

        Assert.That(run.ExitCode, Is.EqualTo(1));
        Assert.That(run.Error, Does.Contain("'prod' is protected: deploying to it needs --approve"));
    }

    [Test]
    public void With_approval_a_protected_deploy_goes_on_to_its_engine()
    {
        using var repo = RepositoryWith(File.ReadAllText(Path.Combine(SourceRepository.Root, EnvironmentCatalog.FileName)));
        repo.Tag("v1.0.0");
        using var outsideCi = new EnvironmentVariableScope().Set("CI", null).Set("GITHUB_ACTIONS", null);

        var run = Pipeline.Run(repo.Path, ["--target=deploy", "--exclusive", "--env=prod", "--approve", "--docker-host=tcp://127.0.0.1:1"]);

        Assert.That(run.ExitCode, Is.EqualTo(1));
        Assert.That(run.Error, Does.Not.Contain("is protected"));
        Assert.That(run.Error, Does.Contain("tcp://127.0.0.1:1 is not reachable").And.Contain("Nothing was changed"));
    }

    [Test]
    public void A_broken_settings_file_stops_the_run_naming_file_and_line()
    {
        using var repo = RepositoryWith("{\n  \"local\": { \"port\": 8000 }\n}\n");

        var run = Pipeline.Run(repo.Path, ["--target=verify", "--exclusive"]);

        Assert.That(run.ExitCode, Is.EqualTo(1));
        Assert.That(run.Error, Does.Contain("environments.json:2: $.local: 'composeProject' is missing").And.Contain("environment 'prod' is missing"));
    }

    [Test]
    public void Another_environments_file_replaces_the_checked_in_one_with_the_same_checks()
    {
        var checkedIn = File.ReadAllText(Path.Combine(SourceRepository.Root, EnvironmentCatalog.FileName));
        using var repo = RepositoryWith(checkedIn);
        using var elsewhere = new TempDirectory();
        var team = elsewhere.Write("team-environments.json", checkedIn.Replace("\"ssh://qtsops@staging.qts-observer.internal\"", "\"ssh://qtsops@127.0.0.1:2222\""));
        Assume.That(File.ReadAllText(team), Does.Contain("ssh://qtsops@127.0.0.1:2222"), "the checked-in staging host changed: adjust the test");

        var planned = Pipeline.Run(repo.Path, ["--target=deploy", "--exclusive", "--env=staging", $"--environments={team}", "--dryrun"]);

        Assert.That(planned.ExitCode, Is.Zero, planned.Error);
        Assert.That(planned.Output, Does.Contain("to 'staging' on ssh://qtsops@127.0.0.1:2222"));

        var broken = elsewhere.Write("broken.json", "{\n  \"local\": { \"port\": 8000 }\n}\n");
        using var variable = new EnvironmentVariableScope().Set("QTSOPS_ENVIRONMENTS", broken);
        var run = Pipeline.Run(repo.Path, ["--target=verify", "--exclusive"]);

        Assert.That(run.ExitCode, Is.EqualTo(1));
        Assert.That(run.Error, Does.Contain($"{broken}:2: $.local: 'composeProject' is missing"));
    }
}
