using System.Text.Json;
using QtsOps.Build.Deployment;
using QtsOps.Host;
using QtsOps.Tests.Host;
using QtsOps.Release.Deployment;

namespace QtsOps.Tests.Docker;

/// <summary>
/// deploy, verify, rollback and status of 'staging' on an ssh:// Docker host (<see cref="SshTestHost"/>),
/// the image pulled from a real registry by digest. Everything of the environment is on the host:
/// files made there belong to the host's ssh user, not to this process, and the checkout keeps no
/// release, history or lock of it. The tests run in order, each from the state the one before left.
/// </summary>
[TestFixture, Category("Docker"), NonParallelizable, System.Runtime.Versioning.SupportedOSPlatform("linux"), Platform("Linux")]
public class RemoteDeploymentTests
{
    private const string RegistryUser = "qtsops";
    private static readonly string RegistryPassword = Guid.NewGuid().ToString("N");
    private RegistryServer _registry = null!;
    private SshTestHost _host = null!;
    private ObserverRepository _repo = null!;
    private string _firstRelease = "";

    private string DeployDirectory => _host.DeployRoot + "/deploy";
    private string HistoryFile => DeployDirectory + "/.qtsops/history/staging.jsonl";

    [OneTimeSetUp]
    public void StartRegistryHostAndScratchRepository()
    {
        _registry = new RegistryServer(RegistryUser, RegistryPassword);
        _host = new SshTestHost();
        _repo = new ObserverRepository(_registry.Address);
        _repo.PointStagingAt(_host, _registry.Address);
    }

    [OneTimeTearDown]
    public void RemoveEverything()
    {
        _repo?.RemoveFromEngine();
        _repo?.Dispose();
        _host?.Dispose();
        _registry?.Dispose();
    }

    private HostRun Run(params string[] targets)
    {
        using var variables = new EnvironmentVariableScope()
            .Set("QTSOPS_SSH_KEY_FILE", _host.KeyFile).Set("QTSOPS_SSH_KNOWN_HOSTS", _host.KnownHosts)
            .Set("QTSOPS_REGISTRY_USERNAME", RegistryUser).Set("QTSOPS_REGISTRY_PASSWORD", RegistryPassword);
        return _repo.Run([.. targets.Select(target => target.StartsWith("--") ? target : $"--target={target}"), "--env=staging"]);
    }

    [Test, Order(1)]
    public void Deploy_and_verify_run_the_release_on_the_host_from_the_pushed_digest_with_every_file_there()
    {
        var run = Run("push", "deploy", "verify");

        Assert.That(run.ExitCode, Is.Zero, run.Output + run.Error);
        var history = History();
        Assert.That(history.Select(e => (e.Action, e.Result)), Is.EqualTo(new[] { (HistoryAction.Deploy, HistoryResult.Succeeded), (HistoryAction.Verify, HistoryResult.Succeeded) }));
        _firstRelease = history[0].Release;
        Assert.That(run.Output, Does.Contain($"pulled {_registry.Address}/{_repo.ImageRepository}@sha256:"));
        var (status, body) = DeploymentPipelineTests.Get(_repo.HealthUrl);
        Assert.That(status, Is.EqualTo(200));
        Assert.That(body, Does.Contain(history[0].Version));
        // Made over ssh by the host's user, not written here through the shared folder.
        var hostUser = int.Parse(Command.Run("docker", "exec", _host.Container, "id", "-u", SshTestHost.User).EnsureSuccess("id").Output[0]);
        foreach (var made in new[] { $"{DeployDirectory}/releases/{_firstRelease}", $"{DeployDirectory}/current", HistoryFile, $"{DeployDirectory}/config" })
            Assert.That(OwnerOf(made), Is.EqualTo(hostUser), made);
        Assert.That(new FileInfo($"{DeployDirectory}/current").LinkTarget, Is.EqualTo($"releases/{_firstRelease}"));
        Assert.That(Path.Combine(_repo.StateDirectory, "history"), Does.Not.Exist);
        Assert.That(Path.Combine(_repo.StateDirectory, "deploy", "staging"), Does.Not.Exist);
        using var report = JsonDocument.Parse(File.ReadAllText(Path.Combine(_repo.Root, "artifacts", "reports", "verify.json")));
        var health = report.RootElement.GetProperty("checks").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "health-endpoint");
        Assert.That(health.GetProperty("evidence").GetString(), Does.Contain($"inside {_repo.Container} on {SshTestHost.User}@127.0.0.1"));
    }

    [Test, Order(2)]
    public void Status_shows_what_runs_on_the_host_and_its_history()
    {
        var run = Run("status");

        Assert.That(run.ExitCode, Is.Zero, run.Output + run.Error);
        using var report = JsonDocument.Parse(File.ReadAllText(Path.Combine(_repo.Root, "artifacts", "reports", "status.json")));
        var text = report.RootElement.GetRawText();
        Assert.That(text, Does.Contain(_firstRelease).And.Contain("\"deploy\"").And.Contain("\"verify\""));
        Assert.That(File.ReadAllText(Path.Combine(_repo.Root, "artifacts", "reports", "status.md")), Does.Contain(_firstRelease).And.Contain("free"));
    }

    [Test, Order(3)]
    public void A_deploy_while_another_holds_the_hosts_lock_is_refused_naming_the_holder()
    {
        using var transport = new SshTransport(null, _host.KeyFile, _host.KnownHosts, Environment.GetEnvironmentVariable("PATH"));
        var host = new SshDeploymentHost(() => transport.Client, _host.DockerHost, DeployDirectory, "environments.json");
        var other = new LockOwner(4242, "another-checkout", "someone", DateTimeOffset.UtcNow, "deploy 9.9.9");
        var before = File.ReadAllText(HistoryFile);
        using (host.AcquireLock(DeployDirectory + "/.qtsops/locks/staging.lock", "staging", other, warning => Assert.Fail(warning)))
        {
            // Forced: the release runs already, and a deploy with nothing to do takes no lock.
            var run = Run("deploy", "--force-deploy");

            Assert.That(run.ExitCode, Is.EqualTo(1));
            Assert.That(run.Error, Does.Contain("Another deploy to 'staging' is running").And.Contain("another-checkout").And.Contain("deploy 9.9.9"));
            Assert.That(File.ReadAllText(HistoryFile), Is.EqualTo(before));
            Assert.That(host.InspectLock(DeployDirectory + "/.qtsops/locks/staging.lock"), Is.EqualTo(new LockState(true, other)));
        }
        Assert.That(host.InspectLock(DeployDirectory + "/.qtsops/locks/staging.lock"), Is.EqualTo(new LockState(false, null)));
    }

    [Test, Order(4)]
    public void A_release_that_crashes_on_the_host_is_rolled_back_there_and_no_record_is_lost()
    {
        using var crashing = _repo.CommitReleaseThatCrashesAtStart();
        var recordsBefore = Records();

        var run = Run("push", "deploy", "verify");

        Assert.That(run.ExitCode, Is.EqualTo(1));
        Assert.That(run.Error, Does.Contain("crashed").And.Contain($"rolled back to {_firstRelease}, which is healthy and verified"));
        Assert.That(DeploymentPipelineTests.Get(_repo.HealthUrl).Status, Is.EqualTo(200));
        Assert.That(new FileInfo($"{DeployDirectory}/current").LinkTarget, Is.EqualTo($"releases/{_firstRelease}"));
        var recordsAfter = Records();
        Assert.That(recordsBefore, Is.Not.Empty);
        foreach (var (file, content) in recordsBefore)
            Assert.That(recordsAfter[file], Does.StartWith(content), $"{file} lost records");
        Assert.That(History().TakeLast(3).Select(e => (e.Action, e.Result)), Is.EqualTo(new[]
        {
            (HistoryAction.Deploy, HistoryResult.Failed), (HistoryAction.Rollback, HistoryResult.Succeeded), (HistoryAction.Verify, HistoryResult.Succeeded),
        }));
        var backups = Directory.EnumerateFiles(_host.DeployRoot + "/backups", "*.tar.gz").ToList();
        Assert.That(backups, Is.Not.Empty);
        Assert.That(backups.Select(b => File.GetUnixFileMode(b)), Has.All.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
    }

    private List<HistoryEntry> History() => [.. new ReleaseHistory(HistoryFile, warning => Assert.Fail(warning)).Read()];

    private Dictionary<string, string> Records() =>
        Directory.EnumerateFiles(DeployDirectory + "/data", "observations-*.jsonl").ToDictionary(f => Path.GetFileName(f), File.ReadAllText);

    private static int OwnerOf(string path) =>
        int.Parse(Command.Run("stat", "-c", "%u", path).EnsureSuccess("stat").Output[0]);
}
