using QtsOps.Build;
using QtsOps.Host;
using QtsOps.Release.Environments;
using QtsOps.Tests.Docker;
using QtsOps.Tests.Host;

namespace QtsOps.Tests.Build;

/// <summary>environments.json as the pipeline reads it, before any engine is asked.</summary>
public class EnvironmentSettingsPipelineTests
{
    private static HostRun RunPipeline(string workingDirectory, params string[] args) =>
        HostRun.Of(new CakeHost().UseContext<BuildContext>().UseLifetime<BuildLifetime>()
            .AddAssembly(typeof(BuildContext).Assembly).UseWorkingDirectory(workingDirectory), args);

    private static TempDirectory RepositoryWith(string environments)
    {
        var repo = new TempDirectory();
        repo.Write("QtsOps.sln", "");
        repo.Write(EnvironmentCatalog.FileName, environments);
        return repo;
    }

    [Test]
    public void Deploying_to_a_protected_environment_needs_its_confirmation_first()
    {
        using var repo = RepositoryWith(File.ReadAllText(Path.Combine(ObserverRepository.RealRoot, EnvironmentCatalog.FileName)));

        var run = RunPipeline(repo.Path, "--target=deploy", "--exclusive", "--env=prod");

        Assert.That(run.ExitCode, Is.EqualTo(1));
        Assert.That(run.Error, Does.Contain("'prod' is protected: deploying to it needs --confirm=prod"));
    }

    [Test]
    public void A_broken_settings_file_stops_the_run_naming_file_and_line()
    {
        using var repo = RepositoryWith("{\n  \"local\": { \"port\": 8000 }\n}\n");

        var run = RunPipeline(repo.Path, "--target=verify", "--exclusive");

        Assert.That(run.ExitCode, Is.EqualTo(1));
        Assert.That(run.Error, Does.Contain("environments.json:2: $.local: 'composeProject' is missing").And.Contain("environment 'prod' is missing"));
    }
}
