using System.Text.Json;
using QtsOps.Tests.Host;

namespace QtsOps.Tests.Docker;

/// <summary>
/// What one forced deploy + verify asks of this machine's engine and runs on its host (the work bench/remote.sh and
/// bench/inner-loop.sh time), counted: the counts are deterministic where the times are not. start-first, as 'local' runs.
/// </summary>
[TestFixture, Category("Docker"), NonParallelizable, System.Runtime.Versioning.SupportedOSPlatform("linux"), Platform("Linux")]
public class DeployCostTests
{
    private StartFirstCheckout _checkout = null!;

    private ObserverRepository Repo => _checkout.Repo;

    [OneTimeSetUp]
    public void StartRegistryAndScratchRepository() => _checkout = new StartFirstCheckout();

    [OneTimeTearDown]
    public void RemoveEverything() => _checkout?.Dispose();

    [Test]
    public void A_forced_deploy_and_verify_ask_docker_info_once_and_run_each_host_step_once()
    {
        var first = Repo.Run("--target=deploy", "--target=verify", "--no-setup");
        Assert.That(first.ExitCode, Is.Zero, first.Output + first.Error);

        HostRun run;
        int infos;
        using (var calls = new DockerCallLog())
        {
            run = Repo.Run("--target=deploy", "--target=verify", "--force-deploy", "--no-setup");
            infos = calls.Count("info");
        }

        Assert.That(run.ExitCode, Is.Zero, run.Output + run.Error);
        Assert.That(infos, Is.EqualTo(1), "preflight, image, deploy and verify share the run's engine, which asks docker info once");
        using var deploy = JsonDocument.Parse(File.ReadAllText(Path.Combine(Repo.Root, "artifacts", "reports", "deploy.json")));
        // Until its report: the state, which says which shared folders exist and what the edge's configuration is (1; were 1 more for the
        // folders, were 4 before, and 1 more for the configuration); the backup, which lists the backups too (1, were 2); the release installed
        // (1, were 5: staging folder removed, copied in, old copy removed, moved, touched); current pointed at it (1, were 2: it was installed by
        // this run, so releases/ is not listed); the release's settings for its check before traffic, read in the package it was installed from
        // (none, was 1); the edge's link (1); the history (1). The releases pruned after the report: from the state and what the deploy did (none,
        // were 2: current, releases/).
        Assert.That(deploy.RootElement.GetProperty("cost").GetProperty("hostScripts").GetInt32(), Is.EqualTo(6), run.Output);
        // The state after the deploy changed it (a script and an inspect: the container checked is that inspect's, was 1 more), its logs,
        // its image's digest for the record (the record takes the container as the check read it: no inspect again), and the history.
        Assert.That(run.Output, Does.Contain("The verify read the environment 1 time(s); 3 engine call(s), 2 host script(s), 0 ssh session(s) on 0 ssh connection(s)"));
    }
}
