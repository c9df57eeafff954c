using QtsOps.Release.Environments;

namespace QtsOps.Tests.Build;

/// <summary>rollback --to names a release of the store, and nothing else: checked before the engine is asked or anything changes.</summary>
public class RollbackRequestTests
{
    [TestCase("../data")]
    [TestCase("/etc")]
    [TestCase("2.0.0")]
    public void Rollback_to_anything_but_an_installed_release_is_refused_naming_the_installed_ones(string to)
    {
        using var repo = new TempGitRepository();
        repo.Write(EnvironmentCatalog.FileName, File.ReadAllText(Path.Combine(SourceRepository.Root, EnvironmentCatalog.FileName)));
        repo.Commit("feat: settings");
        repo.Write(".qtsops/deploy/local/releases/1.0.0/docker-compose.yml", "services: {}\n");
        repo.Write(".qtsops/deploy/local/data/records.jsonl", "{}\n");

        foreach (var mode in new[] { "--verbosity=normal", "--dryrun" })
        {
            var run = Pipeline.Run(repo.Path, ["--target=rollback", $"--to={to}", "--env=local", "--docker-host=tcp://127.0.0.1:1", mode]);

            Assert.That(run.ExitCode, Is.EqualTo(1), mode);
            Assert.That(run.Error, Does.Contain($"--to={to}: '{to}' is not a release installed under ").And.Contain("(installed, newest first: 1.0.0)")
                .And.Contain("name one of those with --to=VERSION"), mode);
            Assert.That(run.Error, Does.Not.Contain("not reachable"), $"{mode}: refused before the engine is asked");
        }
    }
}
