using System.Text.Json;

namespace QtsOps.Tests.Tools;

/// <summary>The validate target of the real pipeline, run in-process in scratch git repositories.</summary>
public class ValidateTaskTests
{
    private static readonly DateTimeOffset CommitTime = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private static JsonElement Report(ScratchRepository repo) =>
        JsonDocument.Parse(repo.Read("artifacts/reports/validate.json")).RootElement;

    private static List<(string Rule, string Severity, string File, int? Line)> Findings(ScratchRepository repo) =>
        Report(repo).GetProperty("findings").EnumerateArray()
            .Select(f => (f.GetProperty("rule").GetString()!, f.GetProperty("severity").GetString()!, f.GetProperty("file").GetString()!,
                f.GetProperty("line").ValueKind == JsonValueKind.Null ? (int?)null : f.GetProperty("line").GetInt32()))
            .ToList();

    [Test]
    public void Validate_passes_on_the_repository_sources()
    {
        using var repo = new ScratchRepository("src", "environments.json");
        repo.Commit(CommitTime);

        var run = repo.RunPipeline("--target=validate");

        Assert.That(run.ExitCode, Is.Zero, run.Output + run.Error);
        Assert.That(Report(repo).GetProperty("errors").GetInt32(), Is.Zero);
        Assert.That(Findings(repo), Is.Empty);
        Assert.That(repo.Read("artifacts/reports/validate.md"), Does.Contain("0 error(s)").And.Contain("passed"));
    }

    [Test]
    public void A_broken_environments_file_fails_validate_with_the_errors_deploy_would_give()
    {
        using var repo = new ScratchRepository("src/observer", "environments.json");
        var lines = File.ReadAllLines(repo.Combine("environments.json"));
        var portLine = Array.FindIndex(lines, l => l.Contains("\"port\"")) + 1;
        lines[portLine - 1] = lines[portLine - 1].Replace("8000", "\"8000\"");
        File.WriteAllLines(repo.Combine("environments.json"), lines);
        repo.Commit(CommitTime);

        var run = repo.RunPipeline("--target=validate");

        Assert.That(run.ExitCode, Is.EqualTo(1));
        Assert.That(Findings(repo), Does.Contain(("environments/invalid", "error", "environments.json", (int?)portLine)));
        // The port is in "defaults": the error is at its line there, and names the environments that inherit it.
        Assert.That(run.Error, Does.Contain($"environments.json:{portLine}: $.defaults.port: must be a whole number from 1 to 65535 (got \"8000\") (inherited by local, staging, prod) (fix: "));
    }

    [Test]
    public void Under_github_actions_validate_s_findings_are_in_the_step_summary_under_its_heading()
    {
        using var repo = new ScratchRepository("src/observer", "environments.json");
        var path = repo.Combine("environments.json");
        File.WriteAllText(path, File.ReadAllText(path).Replace("\"port\": 8000", "\"port\": \"8000\""));
        repo.Commit(CommitTime);
        var summaryFile = repo.Combine("../" + Path.GetFileName(repo.Path) + "-summary.md");
        using var environment = new EnvironmentVariableScope().Set("GITHUB_ACTIONS", "true").Set("GITHUB_STEP_SUMMARY", summaryFile);

        try
        {
            var run = repo.RunPipeline("--target=validate");

            Assert.That(run.ExitCode, Is.EqualTo(1));
            var summary = File.ReadAllText(summaryFile);
            Assert.That(summary, Does.Contain("### validate\n\n#### validate\n\n").And.Contain(" error(s), 0 warning(s): **failed**.\n\n##### Findings"));
            Assert.That(summary, Does.Contain("| error | `environments/invalid` | environments.json:"));
        }
        finally
        {
            File.Delete(summaryFile);
        }
    }

    [Test]
    public void The_ops_guide_original_files_fail_and_each_defect_is_named()
    {
        using var repo = new ScratchRepository("src/observer");
        repo.Overlay(SourceRepository.Combine("tests", "QtsOps.Tests", "Tools", "Fixtures", "original"));
        repo.Commit(CommitTime);

        var run = repo.RunPipeline("--target=validate");

        Assert.That(run.ExitCode, Is.EqualTo(1));
        var findings = Findings(repo);
        Assert.That(findings.Where(f => f.Severity == "error").Select(f => (f.Rule, f.File, f.Line)), Is.EquivalentTo(new[]
        {
            ("terraform-hardcoded-id", "src/infra/main.tf", (int?)19),      // subscription_id in the provider block
            ("terraform-hardcoded-id", "src/infra/main.tf", 20),            // tenant_id
            ("healthcheck-cannot-fail", "src/observer/Dockerfile", 17),      // sys.exit(0)
            ("healthcheck-no-probe", "src/observer/Dockerfile", 17),
            ("compose-resources", "src/observer/docker-compose.yml", 4),     // no limits or reservations
            ("compose-log-rotation", "src/observer/docker-compose.yml", 4),  // no logging settings
            ("multi-stage", "src/observer/Dockerfile", 1),                   // one stage
            ("port-consistency", "src/observer/docker-compose.yml", 10),     // ports in the service's file: start-first runs two releases side by side
        }));
        Assert.That(findings.Where(f => f.Severity == "warning").Select(f => f.Rule), Is.EqualTo(new[] { "compose-version-obsolete" }));

        Assert.That(run.Error, Does.Contain("validate found 8 error(s):"));
        Assert.That(run.Error, Does.Contain("src/observer/docker-compose.yml:10: the service publishes container port 8000 in docker-compose.yml, so a start-first deploy cannot start a release beside the one that serves"));
        Assert.That(run.Error, Does.Contain("src/infra/main.tf:19: a hard-coded subscription ID: it identifies the Azure account in the repository (fix: remove it: the azurerm provider"));
        Assert.That(run.Error, Does.Contain("src/infra/main.tf:20: a hard-coded tenant ID"));
        Assert.That(run.Error, Does.Contain("src/observer/Dockerfile:17: the HEALTHCHECK cannot fail: 'sys.exit(0)' exits 0 whatever the probe found (fix: "));
        Assert.That(run.Error, Does.Contain("src/observer/docker-compose.yml:4: deploy.resources lacks limits.cpus, limits.memory, reservations.cpus, reservations.memory"));
        Assert.That(run.Error, Does.Contain("src/observer/docker-compose.yml:4: no logging settings: container logs grow until the disk is full (fix: "));
        Assert.That(run.Error, Does.Contain("src/observer/Dockerfile:1: the Dockerfile has one stage"));
    }

    [Test]
    public void An_unformatted_tf_file_is_found_by_terraform_fmt()
    {
        using var repo = new ScratchRepository("src");
        repo.Replace("src/infra/environments/staging/main.tf", "  source = ", "  source    = ");
        repo.Commit(CommitTime);

        var run = repo.RunPipeline("--target=validate");

        Assert.That(run.ExitCode, Is.EqualTo(1));
        Assert.That(run.Error, Does.Contain("src/infra/environments/staging/main.tf: not in terraform fmt's canonical format (fix: run: terraform fmt -recursive src/infra)"));
    }

    [Test]
    public void Tfvars_files_that_git_would_commit_fail_validate()
    {
        using var repo = new ScratchRepository("src");
        repo.Replace(".gitignore", "*.tfvars\n", "");
        repo.Commit(CommitTime);

        var run = repo.RunPipeline("--target=validate");

        Assert.That(run.ExitCode, Is.EqualTo(1));
        Assert.That(run.Error, Does.Contain(".gitignore: git would commit *.tfvars files, which hold real values and secrets: " +
            "src/infra/environments/local/terraform.tfvars, src/infra/environments/prod/terraform.tfvars"));
    }

    [Test]
    public void A_tracked_tfvars_file_fails_validate_although_gitignore_has_the_rule()
    {
        using var repo = new ScratchRepository("src");
        repo.Write("src/infra/environments/staging/terraform.tfvars", "location = \"Korea South\"\n");
        repo.Commit(CommitTime);
        using (var git = new LibGit2Sharp.Repository(repo.Path))
            LibGit2Sharp.Commands.Stage(git, "src/infra/environments/staging/terraform.tfvars", new LibGit2Sharp.StageOptions { IncludeIgnored = true });

        var run = repo.RunPipeline("--target=validate");

        Assert.That(run.ExitCode, Is.EqualTo(1));
        Assert.That(run.Error, Does.Contain("git would commit *.tfvars files, which hold real values and secrets: src/infra/environments/staging/terraform.tfvars (fix:"));
    }

    [Test]
    public void Warnings_fail_only_with_strict()
    {
        using var repo = new ScratchRepository("src/observer");
        repo.Write("src/observer/docker-compose.yml", "version: \"3.8\"\n" + repo.Read("src/observer/docker-compose.yml"));
        repo.Commit(CommitTime);

        var relaxed = repo.RunPipeline("--target=validate");
        var strict = repo.RunPipeline("--target=validate", "--strict");

        Assert.That(relaxed.ExitCode, Is.Zero, relaxed.Error);
        Assert.That(strict.ExitCode, Is.EqualTo(1));
        Assert.That(strict.Error, Does.Contain("validate found 0 error(s) and 1 warning(s), which fail with --strict:")
            .And.Contain("src/observer/docker-compose.yml:1: the top-level 'version' key is obsolete"));
        Assert.That(Report(repo).GetProperty("strict").GetBoolean(), Is.True);
    }
}
