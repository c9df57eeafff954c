using QtsOps.Core.Environments;
using QtsOps.Tests.Host;
using QtsOps.Tests.Core;

namespace QtsOps.Tests.Tools;

/// <summary>restore on a swarm environment is refused before anything happens (issue 23, point 7).</summary>
public class SwarmRestoreRefusalTests
{
    [Test]
    public void Restore_on_a_swarm_environment_is_refused_before_the_engine_is_asked()
    {
        using var repo = new TempGitRepository();
        repo.Write(EnvironmentCatalog.FileName, File.ReadAllText(SourceRepository.Combine(SwarmStackInputs.FixtureFile)));
        repo.Commit("feat: settings");

        foreach (var mode in new[] { "--verbosity=normal", "--dryrun" })
        {
            var run = InProcessPipeline.Run(repo.Path, ["--target=restore", "--env=cluster", "--docker-host=tcp://127.0.0.1:1", mode]);

            Assert.That(run.ExitCode, Is.EqualTo(1), mode);
            Assert.That(run.Error, Does.Contain("restore is refused on 'cluster': it runs on a swarm"), mode);
            Assert.That(run.Error, Does.Not.Contain("not reachable"), $"{mode}: refused before the engine is asked");
        }
    }
}
