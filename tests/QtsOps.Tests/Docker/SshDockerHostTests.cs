using System.Text.Json;
using System.Text.Json.Nodes;
using QtsOps.Build.Deployment;
using QtsOps.Tests.Build;
using QtsOps.Tests.Host;

namespace QtsOps.Tests.Docker;

/// <summary>
/// The pipeline on an ssh:// Docker host (<see cref="SshTestHost"/>): the key and the pinned host key
/// come from the QTSOPS_SSH_* settings, a host whose key is not the pinned one is refused before
/// anything runs there, and neither the key nor known_hosts is left on disk or shown.
/// </summary>
[TestFixture, Category("Docker"), NonParallelizable]
public class SshDockerHostTests
{
    private SshTestHost _host = null!;
    private ScratchRepository _repository = null!;
    private TempDirectory _temp = null!;
    private const string EnvironmentsFile = "ssh-environments.json";

    [OneTimeSetUp]
    public void StartHostAndScratchRepository()
    {
        _host = new SshTestHost();
        _repository = new ScratchRepository();
        _temp = new TempDirectory();
        // 'staging' on the test host; its container is the host's own, so that status has a running one to find on that engine.
        var environments = JsonNode.Parse(File.ReadAllText(SourceRepository.Combine("environments.json")), documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip })!;
        var staging = environments["staging"]!;
        staging["dockerHost"] = _host.DockerHost;
        staging["containerName"] = _host.Container;
        foreach (var directory in new[] { "deployDirectory", "dataDirectory", "logDirectory", "configDirectory", "backupDirectory" })
            staging[directory] = Path.Combine(_host.DeployRoot, directory);
        _repository.Write(EnvironmentsFile, environments.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }

    [OneTimeTearDown]
    public void StopHost()
    {
        _host?.Dispose();
        _repository?.Dispose();
        _temp?.Dispose();
    }

    private HostRun Status(string? key, string? keyFile, string knownHosts)
    {
        // The key's temporary directory goes under TMPDIR, so this test can see that none is left behind.
        using var variables = new EnvironmentVariableScope()
            .Set("QTSOPS_SSH_KEY", key).Set("QTSOPS_SSH_KEY_FILE", keyFile).Set("QTSOPS_SSH_KNOWN_HOSTS", knownHosts).Set("TMPDIR", _temp.Path);
        return _repository.RunPipeline("--target=status", "--env=staging", $"--environments={EnvironmentsFile}");
    }

    [TestCase(true, TestName = "Status reaches the engine over ssh with the key from QTSOPS_SSH_KEY and the host pinned by QTSOPS_SSH_KNOWN_HOSTS")]
    [TestCase(false, TestName = "Status reaches the engine over ssh with the key file from QTSOPS_SSH_KEY_FILE")]
    public void Status_reaches_the_engine_over_ssh(bool keyAsText)
    {
        var loginsBefore = Logins();

        var run = keyAsText ? Status(_host.PrivateKey, null, _host.KnownHosts) : Status(null, _host.KeyFile, _host.KnownHosts);

        Assert.That(run.ExitCode, Is.Zero, run.Output + run.Error);
        Assert.That(run.Output, Does.Contain($"`{_host.Container}`: running"), "status read the host's container from the engine");
        Assert.That(Logins(), Is.GreaterThan(loginsBefore), "through sshd, as qtsops with the test key");
        AssertNoSecretShownOrLeft(run);
    }

    [TestCase(true, TestName = "A host whose key differs from the pinned one is refused before anything runs there, with how to pin it")]
    [TestCase(false, TestName = "A host with no pinned key is refused before anything runs there, with how to pin it")]
    public void A_host_key_that_is_not_the_pinned_one_is_refused(bool pinnedToAnotherKey)
    {
        var otherKey = File.ReadAllText(_host.GenerateKey($"other-{Guid.NewGuid():N}") + ".pub").Split(' ');
        var knownHosts = pinnedToAnotherKey ? $"[127.0.0.1]:{_host.Port} {otherKey[0]} {otherKey[1]}" : $"[127.0.0.2]:{_host.Port} {otherKey[0]} {otherKey[1]}";
        var loginsBefore = Logins();

        var run = Status(_host.PrivateKey, null, knownHosts);

        Assert.That(run.ExitCode, Is.EqualTo(1));
        Assert.That(run.Error, Does.Contain($"The ssh host key of 127.0.0.1:{_host.Port}")
            .And.Contain(pinnedToAnotherKey ? "REMOTE HOST IDENTIFICATION HAS CHANGED" : "is not pinned")
            .And.Contain("nothing was run on that host")
            .And.Contain($"ssh-keyscan -p {_host.Port} 127.0.0.1 >> ~/.ssh/known_hosts").And.Contain("QTSOPS_SSH_KNOWN_HOSTS"));
        Assert.That(Logins(), Is.EqualTo(loginsBefore), "ssh stopped before logging in");
        Assert.That(run.Output + run.Error, Does.Not.Contain(otherKey[1]), "the pinned key is not shown");
        AssertNoSecretShownOrLeft(run);
    }

    private int Logins() => _host.SshdLog().Split('\n').Count(line => line.Contains($"Accepted publickey for {SshTestHost.User}"));

    private void AssertNoSecretShownOrLeft(HostRun run)
    {
        var keyLines = _host.PrivateKey.Split('\n').Where(line => line.Length > 0 && !line.StartsWith("-----")).ToList();
        var hostKey = _host.KnownHosts.Split(' ')[^1];
        var artifacts = _repository.Combine("artifacts");
        var written = Directory.Exists(artifacts) ? Directory.GetFiles(artifacts, "*", SearchOption.AllDirectories).Select(File.ReadAllText).ToList() : [];
        Assert.Multiple(() =>
        {
            foreach (var line in keyLines) Assert.That(run.Output + run.Error, Does.Not.Contain(line), "no key text in the output");
            Assert.That(run.Output + run.Error, Does.Not.Contain(hostKey), "no known_hosts content in the output");
            foreach (var text in written) Assert.That(text, Does.Not.Contain(keyLines[0]).And.Not.Contain(hostKey), "no key or known_hosts in artifacts/");
            Assert.That(Directory.GetDirectories(_temp.Path, SshTransport.DirectoryPrefix + "*"), Is.Empty, "the run's ssh directory is deleted when it ends");
        });
    }
}
