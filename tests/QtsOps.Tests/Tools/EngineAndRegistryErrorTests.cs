using System.Text.Json;
using QtsOps.Build;
using QtsOps.Core.Environments;
using QtsOps.Tests.Docker;
using QtsOps.Tests.Host;

namespace QtsOps.Tests.Tools;

/// <summary>What image, push and deploy say when their engine or registry cannot be used: the cause and its fix, and a report.</summary>
public class EngineAndRegistryErrorTests
{
    private const string UnknownHost = "ssh://nobody@no-such-host.invalid";
    private TempGitRepository _repo = null!;
    private EnvironmentVariableScope _environment = null!;

    [SetUp]
    public void CreateRepository()
    {
        _repo = new TempGitRepository();
        _repo.Write(EnvironmentCatalog.FileName, File.ReadAllText(Path.Combine(SourceRepository.Root, EnvironmentCatalog.FileName)));
        _repo.Commit("feat: settings");
        _environment = new EnvironmentVariableScope()
            .Set(PipelineOptions.RegistryUsername.Variable!, null).Set(PipelineOptions.RegistryPassword.Variable!, null).Set("DOCKER_HOST", null);
    }

    [TearDown]
    public void RemoveRepository()
    {
        _environment.Dispose();
        _repo.Dispose();
    }

    private JsonElement Report(string target) => JsonDocument.Parse(File.ReadAllText(_repo.Combine("artifacts", "reports", target + ".json"))).RootElement;

    [Test]
    public void An_ssh_engine_whose_host_is_unknown_says_so_instead_of_starting_docker_and_the_failed_deploy_leaves_its_report()
    {
        var run = InProcessPipeline.Run(_repo.Path, ["--target=deploy", "--exclusive", $"--docker-host={UnknownHost}"]);

        Assert.That(run.ExitCode, Is.EqualTo(1));
        Assert.That(run.Error, Does.Contain($"The Docker engine at {UnknownHost} is not reachable: the host name no-such-host.invalid cannot be resolved")
            .And.Contain("Nothing was changed").And.Not.Contain("systemctl"));
        var report = Report("deploy");
        Assert.That(report.GetProperty("status").GetString(), Is.EqualTo("failed"));
        var finding = report.GetProperty("findings")[0];
        Assert.That(finding.GetProperty("rule").GetString(), Is.EqualTo("deploy/failed"));
        Assert.That(finding.GetProperty("message").GetString(), Does.Contain("cannot be resolved").And.Not.Contain("Fix:"));
        Assert.That(finding.GetProperty("fix").GetString(), Does.Contain("/etc/hosts"));
        Assert.That(File.ReadAllText(_repo.Combine("artifacts", "reports", "deploy.md")), Does.StartWith("# deploy: local\n\n**failed**."));
    }

    [Test]
    public void A_registry_user_without_a_password_is_refused_before_any_docker_call()
    {
        _environment.Set(PipelineOptions.RegistryUsername.Variable!, "ci-bot");

        // An engine that cannot be reached: had docker been called, that would be the error.
        var run = InProcessPipeline.Run(_repo.Path, ["--target=push", "--exclusive", $"--docker-host={UnknownHost}"]);

        Assert.That(run.ExitCode, Is.EqualTo(1));
        Assert.That(run.Error, Does.Contain($"{PipelineOptions.RegistryPassword.Variable} is not set, but {PipelineOptions.RegistryUsername.Variable} asks for a login to 127.0.0.1:5000 as 'ci-bot'")
            .And.Contain($"Fix: export {PipelineOptions.RegistryPassword.Variable}").And.Not.Contain("not reachable"));
        Assert.That(Report("push").GetProperty("status").GetString(), Is.EqualTo("failed"));
    }

    [Test]
    public void A_registry_that_does_not_answer_is_named_with_the_way_to_run_one()
    {
        var address = $"127.0.0.1:{RegistryServer.FreePort()}";

        var run = InProcessPipeline.Run(_repo.Path, ["--target=push", "--exclusive", $"--registry={address}", $"--docker-host={UnknownHost}"]);

        Assert.That(run.ExitCode, Is.EqualTo(1));
        Assert.That(run.Error, Does.Contain($"The registry at {address} does not answer").And.Contain("No registry for push").And.Not.Contain("not reachable"));
    }
}
