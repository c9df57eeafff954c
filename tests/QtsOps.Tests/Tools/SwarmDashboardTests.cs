using QtsOps.Core.Environments;
using QtsOps.Tests.Core;
using QtsOps.Tests.Host;

namespace QtsOps.Tests.Tools;

/// <summary>The dashboard of every environment when one runs on a swarm (issue 23): the swarm's is read through its manager, and one that cannot be reached does not stop the others.</summary>
public class SwarmDashboardTests
{
    [Test]
    public void A_dashboard_over_a_file_with_an_unreachable_swarm_environment_renders_every_environment()
    {
        using var repo = new TempGitRepository();
        repo.Write(EnvironmentCatalog.FileName, File.ReadAllText(SourceRepository.Combine(SwarmStackInputs.FixtureFile)));
        repo.Commit("feat: settings");

        var run = InProcessPipeline.Run(repo.Path, ["--target=dashboard"]);

        Assert.That(run.ExitCode, Is.Zero, run.Output + run.Error);
        var page = File.ReadAllText(Path.Combine(repo.Path, "artifacts", "dashboard", "index.html"));
        foreach (var environment in new[] { "local", "staging", "prod", "cluster" })
            Assert.That(page, Does.Contain($"id=\"env-{environment}\""), $"{environment} has its section");
        var cluster = page[page.IndexOf("id=\"env-cluster\"", StringComparison.Ordinal)..];
        Assert.That(cluster[..cluster.IndexOf("</section>", StringComparison.Ordinal)], Does.Contain("class=\"unreachable\"").And.Contain("manager.qts-observer.internal"),
            "the swarm's manager was asked, and why it did not answer is shown");
        var local = page[page.IndexOf("id=\"env-local\"", StringComparison.Ordinal)..];
        Assert.That(local[..local.IndexOf("</section>", StringComparison.Ordinal)], Does.Contain("What runs"), "the environment that answered is shown in full");
    }
}
