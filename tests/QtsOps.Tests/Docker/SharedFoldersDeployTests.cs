namespace QtsOps.Tests.Docker;

/// <summary>
/// The shared folders a first deploy makes on one engine (SharedFolders, the list the swarm's node job uses too):
/// the config folder gets the package's config/, subfolders included, as each node of a swarm does (SwarmDataTests).
/// </summary>
[TestFixture, Category("Docker")]
public class SharedFoldersDeployTests
{
    [Test]
    public void A_first_deploy_on_one_engine_makes_the_data_log_and_config_folders_with_the_package_s_config_subfolders()
    {
        using var repo = new ObserverRepository("127.0.0.1:1"); // no push: a deploy on this machine's engine uses the image built here
        try
        {
            var rules = Path.Combine(repo.Root, "src", "observer", "config", "rules");
            Directory.CreateDirectory(rules);
            File.WriteAllText(Path.Combine(rules, "extra.json"), "{ \"rule\": \"kept\" }\n");
            repo.Commit("a config subfolder");

            var run = repo.Run("--target=deploy");

            Assert.That(run.ExitCode, Is.Zero, run.Output + run.Error);
            Assert.That(File.ReadAllText(Path.Combine(repo.DeployDirectory, "config", "rules", "extra.json")), Does.Contain("kept"));
            Assert.That(File.ReadAllText(Path.Combine(repo.DeployDirectory, "config", "observer.json")), Does.Contain("interval_seconds"));
            Assert.That(Directory.Exists(repo.DataDirectory) && Directory.Exists(Path.Combine(repo.DeployDirectory, "logs")), Is.True, "the data and log folders are made");
        }
        finally
        {
            repo.RemoveFromEngine();
        }
    }
}
