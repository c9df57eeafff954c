using System.Text.Json;
using System.Text.Json.Nodes;
using QtsOps.Tests.Host;

namespace QtsOps.Tests.Docker;

/// <summary>
/// What one forced deploy + verify to an ssh:// host (<see cref="SshStagingCheckout"/>) runs there, counted, as bench/remote.sh times it
/// (start-first): each host script is a round trip that the same deploy on the local engine does not wait for over a network
/// (<see cref="DeployCostTests"/> counts that one). And a protected environment's host is not contacted ahead of its checks.
/// </summary>
[TestFixture, Category("Docker"), NonParallelizable, System.Runtime.Versioning.SupportedOSPlatform("linux"), Platform("Linux")]
public class RemoteDeployCostTests
{
    private SshStagingCheckout _staging = null!;

    [OneTimeSetUp]
    public void StartRegistryHostAndScratchRepository() => _staging = new SshStagingCheckout(strategy: "start-first");

    [OneTimeTearDown]
    public void RemoveEverything() => _staging?.Dispose();

    private HostRun Run(params string[] arguments) => _staging.Run(_staging.Variables(), arguments);

    [Test]
    public void A_forced_deploy_and_verify_over_ssh_run_each_host_step_once_and_pull_nothing_the_host_has()
    {
        var first = Run("--target=push", "--target=deploy", "--target=verify", "--env=staging", "--no-setup");
        Assert.That(first.ExitCode, Is.Zero, first.Output + first.Error);
        var loginsBefore = _staging.Host.Logins();

        HostRun run;
        int pulls;
        using (var calls = new DockerCallLog())
        {
            run = Run("--target=deploy", "--target=verify", "--env=staging", "--force-deploy", "--no-setup");
            pulls = calls.Count("pull");
        }

        Assert.That(run.ExitCode, Is.Zero, run.Output + run.Error);
        Assert.That(_staging.Host.Logins() - loginsBefore, Is.EqualTo(1), "the run's one connection");
        // The digest the registry serves for the version is the one the host's image of that name was pulled as: no pull (was 1) and no tag
        // there, only the image inspected as the host has it.
        Assert.That(run.Output, Does.Contain($"has {_staging.Registry.Address}/{_staging.Repo.ImageRepository}@sha256:").And.Contain("already, as").And.Contain("not pulled again"));
        Assert.That(pulls, Is.Zero, run.Output);
        using var deploy = JsonDocument.Parse(File.ReadAllText(Path.Combine(_staging.Repo.Root, "artifacts", "reports", "deploy.json")));
        var cost = deploy.RootElement.GetProperty("cost");
        // Each a round trip to the host: the state, with the shared folders and the edge's conf link (1; were 3); the backup (1); the release
        // installed (1); current pointed at it (1); the edge's active link (1); the history (1). The release's settings for its check before
        // traffic are read in the package it was installed from (none; was 1).
        Assert.That(cost.GetProperty("hostScripts").GetInt32(), Is.EqualTo(6), run.Output);
        Assert.That(run.Output, Does.Match(@"The verify read the environment 1 time\(s\); \d+ engine call\(s\), 2 host script\(s\), \d+ ssh session\(s\) on 1 ssh connection\(s\)"));
    }

    [Test]
    public void A_protected_environment_s_host_is_not_contacted_before_the_run_s_checks_pass()
    {
        var environments = JsonNode.Parse(File.ReadAllText(Path.Combine(_staging.Repo.Root, "environments.json")))!;
        environments["prod"] = environments["staging"]!.DeepClone();
        environments["prod"]!["protected"] = true;
        var file = Path.Combine(_staging.Repo.Root, "artifacts", "prod-on-the-ssh-host.json");
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        File.WriteAllText(file, environments.ToJsonString());
        var loginsBefore = _staging.Host.Logins();

        // Not approved (no --approve): refused before anything reaches the host.
        var run = Run("--target=deploy", "--env=prod", $"--environments={file}", "--no-setup");

        Assert.That(run.ExitCode, Is.EqualTo(1), run.Output + run.Error);
        Assert.That(_staging.Host.Logins() - loginsBefore, Is.Zero, run.Output + run.Error);
    }
}
