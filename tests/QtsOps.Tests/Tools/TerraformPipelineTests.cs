using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using QtsOps.Host;
using QtsOps.Tests.Host;

namespace QtsOps.Tests.Tools;

/// <summary>
/// terraform-plan and apply through the real pipeline and the real terraform CLI, on the local
/// environment (builtin provider, local backend: works offline) of a scratch copy of src/infra.
/// </summary>
public class TerraformPipelineTests
{
    private ScratchRepository _repo = null!;
    private EnvironmentVariableScope _environment = null!;

    private string Artifacts(string file) => _repo.Combine("artifacts/terraform/local/" + file);

    /// <summary>What a later run needs (the saved plan, its metadata, the outputs): under .qtsops/, kept by clean.</summary>
    private string Saved(string file) => _repo.Combine(".qtsops/terraform/local/" + file);

    [SetUp]
    public void CreateScratchRepository()
    {
        _repo = new ScratchRepository("environments.json", "src/infra");
        _repo.Commit(DateTimeOffset.Now, "infrastructure");
        // Under GitHub Actions the log is grouped and annotated: these tests decide it themselves.
        _environment = new EnvironmentVariableScope().Set("GITHUB_ACTIONS", null);
    }

    [TearDown]
    public void RemoveScratchRepository()
    {
        _environment.Dispose();
        _repo.Dispose();
    }

    private HostRun Run(params string[] args) => _repo.RunPipeline(args);

    private HostRun Succeeds(params string[] args)
    {
        var run = Run(args);
        Assert.That(run.ExitCode, Is.Zero, run.Error + run.Output);
        return run;
    }

    private HostRun Fails(params string[] args)
    {
        var run = Run(args);
        Assert.That(run.ExitCode, Is.EqualTo(1), run.Output);
        return run;
    }

    private static JsonElement ReadJson(string path) => JsonDocument.Parse(File.ReadAllText(path)).RootElement;

    [Test]
    public void First_plan_has_changes_apply_writes_the_outputs_then_a_new_plan_has_none_and_apply_skips()
    {
        Succeeds("--target=terraform-plan", "--env=local");

        Assert.That(File.Exists(Saved("tfplan")), Is.True);
        Assert.That(File.ReadAllText(Artifacts("plan.md")), Does.Contain("| 2 | 0 | 0 | 0 |").And.Contain("`terraform_data.resource_group`"));
        Assert.That(ReadJson(Artifacts("plan.json")).GetProperty("resource_changes").GetArrayLength(), Is.EqualTo(2));
        var report = ReadJson(_repo.Combine("artifacts/reports/terraform-plan.json"));
        Assert.That(report.GetProperty("status").GetString(), Is.EqualTo("passed"));
        Assert.That(report.GetProperty("hasChanges").GetBoolean(), Is.True);

        Succeeds("--target=apply", "--env=local");

        var target = ReadJson(Saved("outputs.json")).GetProperty("deployment_target").GetProperty("value");
        Assert.That(target.GetProperty("health_url").GetString(), Is.EqualTo("http://127.0.0.1:8000/health"));
        Assert.That(File.Exists(_repo.Combine(".qtsops/terraform/local/terraform.tfstate")), Is.True);
        Assert.That(File.Exists(Saved("tfplan")), Is.False, "a plan applies once");
        Assert.That(Directory.GetDirectories(_repo.Combine("src/infra"), ".terraform", SearchOption.AllDirectories), Is.Empty);

        Succeeds("--target=terraform-plan", "--env=local");
        Assert.That(File.ReadAllText(Artifacts("plan.md")), Does.Contain("**No changes.**"));
        Assert.That(File.Exists(Saved("outputs.json")), Is.True, "an unchanged infrastructure's outputs are current");

        var skipped = Succeeds("--target=apply", "--env=local").Entry("apply");
        Assert.That(skipped.Outcome, Is.EqualTo(TaskOutcome.Skipped));
        Assert.That(skipped.Note, Is.EqualTo("plan had no changes"));
    }

    [Test]
    public void A_replacement_in_a_protected_environment_needs_allow_destroy_and_apply_needs_approval()
    {
        Succeeds("--target=terraform-plan", "--env=local");
        Succeeds("--target=apply", "--env=local");

        string[] rename = ["--target=terraform-plan", "--env=local", "--var=resource_group_name=rg-renamed", "--protected-environments=local"];
        var blocked = Fails(rename);

        Assert.That(blocked.Error, Does.Contain("protected environment 'local'").And.Contain("replace terraform_data.resource_group").And.Contain("--allow-destroy"));
        Assert.That(File.Exists(Saved("tfplan")), Is.False, "a blocked plan is not kept for apply");
        var finding = ReadJson(_repo.Combine("artifacts/reports/terraform-plan.json")).GetProperty("findings")[0];
        Assert.That(finding.GetProperty("rule").GetString(), Is.EqualTo("terraform/destroy-protected"));

        Succeeds([.. rename, "--allow-destroy"]);
        Assert.That(File.ReadAllText(Artifacts("plan.md")), Does.Contain("## To replace (destroy, then create)\n\n- `terraform_data.resource_group`"));

        // One policy: an environment protected on the command line also takes release versions only.
        var untagged = Fails("--target=apply", "--env=local", "--protected-environments=local", "--approve");
        Assert.That(untagged.Error, Does.Contain("local deploys release versions only"));
        _repo.Tag("v1.0.0");

        var unapproved = Fails("--target=apply", "--env=local", "--protected-environments=local");
        Assert.That(unapproved.Error, Does.Contain("'local' is protected: applying a plan to it needs --approve"));

        // apply asks the destroy guard again: the replacement needs --allow-destroy there too.
        Succeeds("--target=apply", "--env=local", "--protected-environments=local", "--approve", "--allow-destroy");
    }

    [Test]
    public void A_replacement_planned_while_unprotected_is_refused_at_apply_once_the_environment_is_protected()
    {
        Succeeds("--target=terraform-plan", "--env=local");
        Succeeds("--target=apply", "--env=local");
        Succeeds("--target=terraform-plan", "--env=local", "--var=resource_group_name=rg-renamed"); // not protected yet: the replacement is kept
        _repo.Tag("v1.0.0"); // a protected environment takes release versions only
        var state = File.ReadAllText(Saved("terraform.tfstate"));

        var refused = Fails("--target=apply", "--env=local", "--protected-environments=local", "--approve");

        Assert.That(refused.Error, Does.Contain("The plan would destroy 1 resource(s) in the protected environment 'local'").And.Contain("replace terraform_data.resource_group")
            .And.Contain("It was not applied: apply checks the saved plan against the protection in force now").And.Contain("re-run apply with --allow-destroy"));
        Assert.That(File.ReadAllText(Saved("terraform.tfstate")), Is.EqualTo(state), "nothing was applied");
        Assert.That(File.Exists(Saved("tfplan")), Is.True, "the reviewed plan stays for an apply with --allow-destroy");
        var finding = ReadJson(_repo.Combine("artifacts/reports/apply.json")).GetProperty("findings")[0];
        Assert.That(finding.GetProperty("rule").GetString(), Is.EqualTo("terraform/destroy-protected"));

        var applied = Succeeds("--target=apply", "--env=local", "--protected-environments=local", "--approve", "--allow-destroy");
        Assert.That(applied.Output + applied.Error, Does.Contain("allowed by --allow-destroy"));
    }

    [TestCase("{}")]
    [TestCase("{ \"fingerprint\": 42 }")]
    public void A_damaged_plan_metadata_file_is_named_and_says_to_plan_again(string metadata)
    {
        _repo.Write(".qtsops/terraform/local/tfplan", "");
        _repo.Write(".qtsops/terraform/local/plan.meta.json", metadata);

        var failed = Fails("--target=apply", "--env=local");

        Assert.That(failed.Error, Does.Contain(Saved("plan.meta.json") + ":1: ").And.Contain("not plan metadata as terraform-plan writes it")
            .And.Contain("Run ./build.sh --target=terraform-plan --env=local to make a new plan."));
        Assert.That(failed.Error, Does.Not.Contain("Object reference"));
    }

    [Test]
    public void A_plan_is_refused_once_the_sources_or_var_files_changed()
    {
        Succeeds("--target=terraform-plan", "--env=local");
        _repo.Write("src/infra/environments/local/terraform.tfvars", "health_url = \"http://127.0.0.1:9000/health\"\n");

        var refused = Fails("--target=apply", "--env=local");

        Assert.That(refused.Error, Does.Contain("The saved plan for local is stale and was not applied")
            .And.Contain("src/infra/environments/local/terraform.tfvars (added)")
            .And.Contain("--target=terraform-plan --env=local"));
        Assert.That(File.Exists(_repo.Combine(".qtsops/terraform/local/terraform.tfstate")), Is.False, "nothing was applied");
    }

    [Test]
    public void A_plan_is_refused_after_a_commit_that_touches_no_terraform_file()
    {
        Succeeds("--target=terraform-plan", "--env=local");
        _repo.Write(".gitignore", ".qtsops/\nartifacts/\n");
        _repo.Commit(DateTimeOffset.Now, "chore: ignore run data");

        var refused = Fails("--target=apply", "--env=local");

        Assert.That(refused.Error, Does.Contain("The saved plan for local is stale and was not applied").And.Contain("it was made at commit ")
            .And.Not.Contain("Terraform sources or var files changed"));
        Assert.That(File.Exists(_repo.Combine(".qtsops/terraform/local/terraform.tfstate")), Is.False, "nothing was applied");
    }

    [Test]
    public void A_plan_is_refused_once_the_state_moved_on()
    {
        Succeeds("--target=terraform-plan", "--env=local");
        var saved = _repo.Combine("saved-plan");
        Directory.CreateDirectory(saved);
        foreach (var file in new[] { "tfplan", "plan.meta.json" }) File.Copy(Saved(file), Path.Combine(saved, file));
        Succeeds("--target=apply", "--env=local");
        foreach (var file in new[] { "tfplan", "plan.meta.json" }) File.Copy(Path.Combine(saved, file), Saved(file));

        var refused = Fails("--target=apply", "--env=local");

        Assert.That(refused.Error, Does.Contain("is stale").And.Contain("the state was created since the plan"));
    }

    [Test]
    public void Clean_keeps_the_saved_plan_and_the_outputs_that_later_runs_need()
    {
        Succeeds("--target=terraform-plan", "--env=local");
        Succeeds("--target=clean");
        Assert.That(File.Exists(Saved("tfplan")), Is.True, "a plan reviewed before a clean is still the one apply takes");

        Succeeds("--target=apply", "--env=local");
        Succeeds("--target=clean");

        Assert.That(Directory.GetFiles(_repo.Combine("artifacts"), "*", SearchOption.AllDirectories), Is.EqualTo(new[] { _repo.Combine("artifacts/reports/index.html") }),
            "nothing but the clean run's own report");
        var target = ReadJson(Saved("outputs.json")).GetProperty("deployment_target").GetProperty("value");
        Assert.That(target.GetProperty("compose_project").GetString(), Is.Not.Empty, "deploy, in a later call, reads where apply said the release goes");
    }

    [Test]
    public void Init_s_progress_shows_only_at_verbose()
    {
        var normal = Succeeds("--target=terraform-plan", "--env=local");
        var verbose = Succeeds("--target=terraform-plan", "--env=local", "--verbosity=verbose");

        Assert.That(normal.Output, Does.Not.Contain("Initializing").And.Not.Contain("successfully initialized"));
        Assert.That(normal.Output, Does.Contain("Plan for local:"));
        Assert.That(verbose.Output, Does.Contain("Initializing provider plugins...").And.Contain("Terraform has been successfully initialized!"));
    }

    [Test]
    public void A_bad_tfvars_value_is_a_clear_error_naming_the_variable_and_the_file()
    {
        _repo.Write("src/infra/environments/local/terraform.tfvars", "health_url = \"ftp://example\"\n");

        var failed = Fails("--target=terraform-plan", "--env=local");

        Assert.That(failed.Error, Does.Contain("on terraform.tfvars line 1").And.Contain("health_url must start with http:// or https://")
            .And.Contain("relative to src/infra/environments/local"));
        Assert.That(File.Exists(Saved("tfplan")), Is.False);
        Assert.That(ReadJson(_repo.Combine("artifacts/reports/terraform-plan.json")).GetProperty("status").GetString(), Is.EqualTo("failed"));
    }

    [Test]
    public void Staging_fails_at_once_saying_the_providers_cannot_be_installed_and_how_to_run_it()
    {
        // Hermetic stand-in for "offline": every provider request goes to a closed local port.
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var cliConfig = _repo.Write("offline.tfrc", $"provider_installation {{\n  network_mirror {{\n    url = \"https://127.0.0.1:{port}/\"\n  }}\n}}\n");
        _environment.Set("TF_CLI_CONFIG_FILE", cliConfig);

        var failed = Fails("--target=terraform-plan", "--env=staging");

        Assert.That(failed.Error, Does.Contain("Terraform could not install the providers of environments/staging")
            .And.Contain("TF_PLUGIN_CACHE_DIR").And.Contain("ARM_SUBSCRIPTION_ID").And.Contain("Failed to query available provider packages"));
        Assert.That(failed.Error, Does.Contain("terraform init printed:\nInitializing"), "init's progress, not logged at normal verbosity, comes with its failure");
        var finding = ReadJson(_repo.Combine("artifacts/reports/terraform-plan.json")).GetProperty("findings")[0];
        Assert.That(finding.GetProperty("rule").GetString(), Is.EqualTo("terraform/providers-unavailable"));
    }

    [Test]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void Var_values_stay_out_of_the_plan_reports_and_state_and_plans_are_owner_only()
    {
        Succeeds("--target=terraform-plan", "--env=local", "--var=resource_group_name=rg-s3cret-name");

        foreach (var report in new[] { Artifacts("plan.json"), Artifacts("plan.md"), _repo.Combine("artifacts/reports/terraform-plan.json"), _repo.Combine("artifacts/reports/terraform-plan.md") })
            Assert.That(File.ReadAllText(report), Does.Not.Contain("s3cret"), report);
        Assert.That(ReadJson(Artifacts("plan.json")).GetProperty("variables").GetProperty("resource_group_name").GetProperty("value").GetString(), Is.EqualTo("(sensitive value)"));

        Succeeds("--target=apply", "--env=local");
        Assert.That(File.GetUnixFileMode(Saved("terraform.tfstate")), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
        Succeeds("--target=terraform-plan", "--env=local", "--var=resource_group_name=rg-other");
        Assert.That(File.GetUnixFileMode(Saved("tfplan")), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
        Assert.That(File.GetUnixFileMode(Saved("terraform.tfstate")), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
    }

    [Test]
    public void A_var_value_that_terraform_escapes_is_masked_in_the_log_the_annotation_the_summary_and_the_report()
    {
        var summary = _repo.Write("step-summary.md", "");
        _environment.Set("GITHUB_ACTIONS", "true").Set("GITHUB_STEP_SUMMARY", summary);

        var failed = Fails("--target=terraform-plan", "--env=local", "--var=health_url=ftp://s3cret\"quoted\\path");

        Assert.That(failed.Error + failed.Output, Does.Contain("::error").And.Contain("[REDACTED]").And.Not.Contain("s3cret"));
        Assert.That(File.ReadAllText(summary), Does.Not.Contain("s3cret"));
        foreach (var report in new[] { "artifacts/reports/terraform-plan.json", "artifacts/reports/terraform-plan.md" })
            Assert.That(_repo.Read(report), Does.Not.Contain("s3cret"), report);
    }

    [Test]
    public void A_malformed_var_is_refused_before_terraform_runs()
    {
        var failed = Fails("--target=terraform-plan", "--env=local", "--var=health_url");

        Assert.That(failed.Error, Does.Contain("--var='health_url' is not NAME=VALUE"));
        Assert.That(Directory.Exists(_repo.Combine(".qtsops/terraform")), Is.False);
    }
}
