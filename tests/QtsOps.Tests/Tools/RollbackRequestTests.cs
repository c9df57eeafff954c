using QtsOps.Core.Environments;
using QtsOps.Tests.Host;

namespace QtsOps.Tests.Tools;

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
            var run = InProcessPipeline.Run(repo.Path, ["--target=rollback", $"--to={to}", "--env=local", "--docker-host=tcp://127.0.0.1:1", mode]);

            Assert.That(run.ExitCode, Is.EqualTo(1), mode);
            Assert.That(run.Error, Does.Contain($"--to={to}: '{to}' is not a release installed under ").And.Contain("(installed, newest first: 1.0.0)")
                .And.Contain("name one of those with --to=VERSION"), mode);
            Assert.That(run.Error, Does.Not.Contain("not reachable"), $"{mode}: refused before the engine is asked");
        }
    }

    // Issue 29, point 13: nothing verified yet is said in words, with what can be done instead (not "(none)"), before the engine is asked.
    [Test]
    public void A_rollback_with_nothing_verified_yet_says_so_and_what_to_do()
    {
        using var repo = new TempGitRepository();
        repo.Write(EnvironmentCatalog.FileName, File.ReadAllText(Path.Combine(SourceRepository.Root, EnvironmentCatalog.FileName)));
        repo.Commit("feat: settings");
        string[] rollback = ["--target=rollback", "--env=local", "--docker-host=tcp://127.0.0.1:1"];

        var run = InProcessPipeline.Run(repo.Path, rollback);
        var preview = InProcessPipeline.Run(repo.Path, [.. rollback, "--dryrun"]);

        const string nothing = "Nothing to roll back to on 'local': no release is in place there, and none ever passed verify. Fix: deploy the release you want: ./build.sh --target=deploy.";
        Assert.That(run.ExitCode, Is.EqualTo(1));
        Assert.That(run.Error, Does.Contain(nothing).And.Not.Contain("(none)").And.Not.Contain("not reachable"));
        Assert.That(preview.Output, Does.Contain("(dry run) " + nothing).And.Not.Contain("(none)"));

        repo.Write(".qtsops/deploy/local/releases/1.0.0/docker-compose.yml", "services: {}\n");
        repo.Write(".qtsops/deploy/local/releases/1.1.0/docker-compose.yml", "services: {}\n");
        File.CreateSymbolicLink(repo.Combine(".qtsops/deploy/local/current"), "releases/1.1.0");

        var installed = InProcessPipeline.Run(repo.Path, rollback);

        Assert.That(installed.Error, Does.Contain("Nothing to roll back to on 'local': no release but 1.1.0, the one in place, ever passed verify there. " +
            "Fix: name an installed release with --to=VERSION (installed, newest first: 1.0.0)."));
    }
}
