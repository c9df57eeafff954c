using System.Text.Json;
using System.Text.Json.Nodes;
using QtsOps.Core.Environments;

namespace QtsOps.Tests.Host;

/// <summary>
/// Issue 23, point 1: the environments a run may name are those its environments file declares
/// (a team's qa and eu-prod), not a fixed local, staging and prod; --help lists them.
/// </summary>
public class DeclaredEnvironmentsTests
{
    private TempDirectory _directory = null!;
    private string _teamFile = null!;

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>The checked-in file with its environments renamed: qa has local's settings, eu-prod prod's.</summary>
    [OneTimeSetUp]
    public void WriteTeamFile()
    {
        var checkedIn = JsonNode.Parse(File.ReadAllText(SourceRepository.Combine(EnvironmentCatalog.FileName)),
            documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip })!.AsObject();
        var team = new JsonObject
        {
            ["defaults"] = checkedIn["defaults"]!.DeepClone(),
            ["qa"] = checkedIn["local"]!.DeepClone(),
            ["eu-prod"] = checkedIn["prod"]!.DeepClone(),
        };
        _directory = new TempDirectory();
        _teamFile = _directory.Write("team-environments.json", team.ToJsonString(Indented));
    }

    [OneTimeTearDown]
    public void Delete() => _directory.Dispose();

    private static QtsOps.Tests.Host.HostRun Run(params string[] args) => InProcessPipeline.Run(SourceRepository.Root, args);

    private static void AssertRefusedBeforeAnyTask(QtsOps.Tests.Host.HostRun run, string error)
    {
        Assert.That(run.ExitCode, Is.EqualTo(1));
        Assert.That(run.Summary.Entries, Is.Empty, "no task ran");
        Assert.That(run.Error, Does.Contain(error));
    }

    [Test]
    public void An_environment_the_file_declares_is_taken()
    {
        var run = Run("--target=status", "--dryrun", "--env=qa", $"--environments={_teamFile}");

        Assert.That(run.ExitCode, Is.Zero, run.Error);
        Assert.That(run.Summary.Entries.Select(e => e.Task), Does.Contain("status"));
        Assert.That(run.Output, Does.Contain("qa"));
    }

    [Test]
    public void An_environment_the_file_does_not_declare_is_refused_naming_the_file_and_its_environments()
    {
        var run = Run("--target=status", "--dryrun", "--env=staging", $"--environments={_teamFile}");

        AssertRefusedBeforeAnyTask(run, $"--env=staging: {_teamFile} declares no environment 'staging'; it declares qa, eu-prod. " +
                                        $"Give one of them, or add a \"staging\" entry to {_teamFile}.");
    }

    [Test]
    public void A_misspelt_environment_gets_the_closest_declared_one()
    {
        var run = Run("--target=status", "--dryrun", "--env=eu-prd", $"--environments={_teamFile}");

        AssertRefusedBeforeAnyTask(run, "declares no environment 'eu-prd'; it declares qa, eu-prod. Did you mean eu-prod?");
    }

    [Test]
    public void A_variable_naming_an_environment_the_checked_in_file_lacks_is_refused_naming_the_variable()
    {
        using var variables = new EnvironmentVariableScope().Set("QTSOPS_ENV", "qa");

        var run = Run("--target=validate");

        AssertRefusedBeforeAnyTask(run, $"QTSOPS_ENV=qa: {SourceRepository.Combine(EnvironmentCatalog.FileName)} declares no environment 'qa'; it declares local, staging, prod.");
    }

    [Test]
    public void Without_env_a_file_without_local_requires_one()
    {
        using var variables = new EnvironmentVariableScope().Set("QTSOPS_ENV", null);

        var run = Run("--target=status", "--dryrun", $"--environments={_teamFile}");

        AssertRefusedBeforeAnyTask(run, $"No --env given, and {_teamFile} declares no 'local' environment (the default): give --env=NAME (or QTSOPS_ENV) with one of qa, eu-prod.");
    }

    [Test]
    public void Protecting_an_environment_the_file_does_not_declare_is_refused()
    {
        var run = Run("--target=status", "--dryrun", "--env=qa", "--protected-environments=qa,prod", $"--environments={_teamFile}");

        AssertRefusedBeforeAnyTask(run, $"--protected-environments=prod: {_teamFile} declares no environment 'prod'; it declares qa, eu-prod. Give one of them");
    }

    [Test]
    public void Help_lists_the_environments_the_file_declares()
    {
        var team = Run("--help", $"--environments={_teamFile}");
        var checkedIn = Run("--help");

        Assert.That(team.ExitCode, Is.Zero, team.Error);
        Assert.That(team.Output, Does.Contain($"Environments (--env=NAME), as {_teamFile} declares them: qa, eu-prod (it declares no local: --env is required)"));
        Assert.That(checkedIn.Output, Does.Contain($"as {SourceRepository.Combine(EnvironmentCatalog.FileName)} declares them: local, staging, prod (default local)"));
    }

    [Test]
    public void Help_works_when_the_file_cannot_be_read_and_says_so()
    {
        var missing = _directory.Combine("missing.json");

        var run = Run("--help", $"--environments={missing}");

        Assert.That(run.ExitCode, Is.Zero, run.Error);
        Assert.That(run.Output, Does.Contain($"Environments (--env=NAME): not listed, as the environments file cannot be read: {missing}: not found."));
        Assert.That(run.Output, Does.Contain("Targets (--target=NAME):"), "the rest of help is there");
    }
}
