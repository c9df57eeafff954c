using QtsOps.Release.Environments;
using QtsOps.Tests.Docker;

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
    public void Deploying_to_a_protected_environment_needs_its_confirmation_first()
    {
        using var repo = RepositoryWith(File.ReadAllText(Path.Combine(ObserverRepository.RealRoot, EnvironmentCatalog.FileName)));
        repo.Tag("v1.0.0"); // prod takes release versions only

        var run = Pipeline.Run(repo.Path, ["--target=deploy", "--exclusive", "--env=prod"]);

        Assert.That(run.ExitCode, Is.EqualTo(1));
        Assert.That(run.Error, Does.Contain("'prod' is protected: deploying to it needs --approve"));
    }

    [Test]
    public void A_broken_settings_file_stops_the_run_naming_file_and_line()
    {
        using var repo = RepositoryWith("{\n  \"local\": { \"port\": 8000 }\n}\n");

        var run = Pipeline.Run(repo.Path, ["--target=verify", "--exclusive"]);

        Assert.That(run.ExitCode, Is.EqualTo(1));
        Assert.That(run.Error, Does.Contain("environments.json:2: $.local: 'composeProject' is missing").And.Contain("environment 'prod' is missing"));
    }
}
