using QtsOps.Core.Environments;
using QtsOps.Tests.Core;
using QtsOps.Tests.Host;

namespace QtsOps.Tests.Tools;

/// <summary>
/// A swarm environment and one of several hosts are validated in full, but the targets that act on an engine
/// refuse them, saying why, before any engine is asked: until their deploy paths exist, a run would drive a
/// swarm as one compose host, or reach the first of several hosts only.
/// </summary>
public class UndeployableEnvironmentTests
{
    [TestCase(SwarmStackInputs.FixtureFile, "cluster", "'cluster' runs on a swarm")]
    [TestCase(FleetEnvironmentTests.FixtureFile, "sites", "'sites' lists ")]
    public void The_engine_s_targets_refuse_the_environment_before_the_engine_is_asked(string fixture, string environment, string refusal)
    {
        using var repo = new TempGitRepository();
        repo.Write(EnvironmentCatalog.FileName, File.ReadAllText(SourceRepository.Combine(fixture)));
        repo.Commit("feat: settings");

        foreach (var target in new[] { "status", "verify", "rollback" })
        {
            var run = InProcessPipeline.Run(repo.Path, [$"--target={target}", $"--env={environment}", "--docker-host=tcp://127.0.0.1:1"]);

            Assert.That(run.ExitCode, Is.EqualTo(1), target);
            Assert.That(run.Error, Does.Contain(refusal).And.Contain("Fix: "), target);
            Assert.That(run.Error, Does.Not.Contain("not reachable"), $"{target}: refused before the engine is asked");
        }
    }
}
