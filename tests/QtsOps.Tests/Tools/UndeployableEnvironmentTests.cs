using QtsOps.Core.Environments;
using QtsOps.Tests.Core;
using QtsOps.Tests.Host;

namespace QtsOps.Tests.Tools;

/// <summary>
/// A swarm environment and one of several hosts are validated in full, but the targets that act on an engine and
/// are not built for them refuse them, saying why, before any engine is asked: a run would drive a swarm as one
/// compose host (restore). deploy, verify, rollback, status and down drive a swarm; a hold asks for the canary strategy.
/// </summary>
public class UndeployableEnvironmentTests
{
    [TestCase(SwarmStackInputs.FixtureFile, "cluster", "restore is refused on 'cluster'", "restore")]
    public void The_engine_s_targets_refuse_the_environment_before_the_engine_is_asked(string fixture, string environment, string refusal, string targets)
    {
        using var repo = Repository(fixture);

        foreach (var target in targets.Split(','))
        {
            var run = InProcessPipeline.Run(repo.Path, [$"--target={target}", $"--env={environment}", "--docker-host=tcp://127.0.0.1:1"]);

            Assert.That(run.ExitCode, Is.EqualTo(1), target);
            Assert.That(run.Error, Does.Contain(refusal).And.Contain("Fix: "), target);
            Assert.That(run.Error, Does.Not.Contain("not reachable"), $"{target}: refused before the engine is asked");
        }
    }

    [Test]
    public void A_canary_hold_on_several_hosts_without_the_canary_strategy_is_refused_before_any_host_is_asked()
    {
        using var repo = Repository(FleetEnvironmentTests.FixtureFile);

        var run = InProcessPipeline.Run(repo.Path, ["--target=deploy", "--exclusive", "--env=sites", "--canary-hold", "--docker-host=tcp://127.0.0.1:1"]);

        Assert.That(run.ExitCode, Is.EqualTo(1));
        Assert.That(run.Error, Does.Contain("--canary-hold holds a canary, and 'sites' deploys start-first").And.Contain("Fix: add --strategy=canary"));
        Assert.That(run.Error, Does.Not.Contain("not reachable"), "refused before any host is asked");
    }

    [Test]
    public void Rollback_of_a_swarm_takes_the_swarm_s_path_and_finds_its_history_on_the_manager_s_host()
    {
        using var repo = Repository(SwarmStackInputs.FixtureFile);

        var run = InProcessPipeline.Run(repo.Path, ["--target=rollback", "--env=cluster", "--docker-host=tcp://127.0.0.1:1"]);

        Assert.That(run.ExitCode, Is.EqualTo(1));
        Assert.That(run.Error, Does.Contain("Nothing to roll back to on 'cluster'").And.Not.Contain("runs on a swarm"));
    }

    [TestCase("verify")]
    [TestCase("status")]
    [TestCase("down")]
    public void Verify_status_and_down_of_a_swarm_take_the_swarm_s_path_and_ask_its_manager(string target)
    {
        using var repo = Repository(SwarmStackInputs.FixtureFile);

        var run = InProcessPipeline.Run(repo.Path, [$"--target={target}", "--env=cluster", "--docker-host=tcp://127.0.0.1:1"]);

        Assert.That(run.ExitCode, Is.EqualTo(1));
        Assert.That(run.Error, Does.Contain("not reachable").And.Not.Contain("runs on a swarm"), "the manager is asked, not the target refused");
    }

    private static TempGitRepository Repository(string fixture, Func<string, string>? change = null)
    {
        var repo = new TempGitRepository();
        var text = File.ReadAllText(SourceRepository.Combine(fixture));
        var changed = change?.Invoke(text) ?? text;
        if (change is not null) Assert.That(changed, Is.Not.EqualTo(text), "the change applies to the fixture");
        repo.Write(EnvironmentCatalog.FileName, changed);
        repo.Commit("feat: settings");
        return repo;
    }
}
