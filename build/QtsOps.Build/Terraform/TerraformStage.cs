using System.Text.Json;
using System.Text.Json.Nodes;
using Cake.Core;
using Cake.Core.Diagnostics;
using QtsOps.Core.Environments;
using QtsOps.Core.Reports;
using QtsOps.Core.Terraform;
using QtsOps.Core.Workspace;
using QtsOps.Tools;
using QtsOps.Tools.Terraform;

namespace QtsOps.Build.Terraform;

/// <summary>
/// terraform-plan and apply for one environment: the Terraform aliases in the order HashiCorp's
/// automation guide gives, with the release logic's summary, guard and staleness check.
/// </summary>
/// <param name="tools">Runs the terraform aliases.</param>
/// <param name="infrastructure">Read before the stage is made: bad settings fail before anything is changed.</param>
/// <param name="configured">The environment as environments.json describes it: the plan's defaults. Read inside the plan, so that a damaged environments.json fails it with its report.</param>
/// <param name="environmentsFile">environments.json, which feeds the plan: a change to it makes a saved plan stale.</param>
/// <param name="protection">The protection policy (environments.json too), read where the plan and apply need it.</param>
/// <param name="outputsWritten">Called once apply has written outputs.json, which says where the release goes.</param>
public sealed class TerraformStage(ICakeContext tools, TerraformEnvironment env, InfrastructureSettings infrastructure, Func<DeploymentEnvironment> configured,
    string environmentsFile, Checkout checkout, Func<ProtectionPolicy> protection, Action outputsWritten, RunReporting reporting)
{
    private ICakeLog Log => reporting.Log;

    // --var values may be secrets, declared sensitive or not: masked wherever the plan's reports show them.
    private SecretMasker GivenValues => new(infrastructure.Variables.Values);
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>
    /// init, validate, plan into artifacts/terraform/&lt;env&gt;/, summary, guard, metadata, report; or,
    /// when the saved no-change plan was made from the same inputs and nothing outside can change it
    /// (<see cref="PlanReuse"/>), that plan's reports again without running Terraform.
    /// </summary>
    public void Plan()
    {
        if (ReusableInputsDigest() is { } unchanged && ReuseSavedPlan(unchanged)) return;

        var findings = new List<Finding>();
        PlanSummary? summary = null;
        var hasChanges = false;
        var succeeded = false;
        try
        {
            // A plan that fails half-way must not leave an older plan behind for apply to pick up.
            if (Directory.Exists(env.ArtifactsDirectory)) Directory.Delete(env.ArtifactsDirectory, recursive: true);
            Directory.CreateDirectory(env.ArtifactsDirectory);
            Directory.CreateDirectory(env.StateDirectory);
            DeleteSavedPlan();

            Initialize(backend: false); // providers and modules only: enough to validate, and no credentials needed
            tools.TerraformValidate(Configure(new TerraformValidateSettings()));
            Initialize(backend: true);
            // What the plan reads, taken before it runs.
            var state = tools.TerraformStateVersion(Configure(new TerraformStatePullSettings()));
            var sources = HashSources(infrastructure.VarFiles);
            var inputs = ReusableInputsDigest(); // after init, which configured the backend it names
            var planSettings = Configure(new TerraformPlanSettings { OutFile = env.PlanFile, VarFiles = [.. infrastructure.VarFiles.Select(f => new Cake.Core.IO.FilePath(f))], SecretVariables = infrastructure.Variables, EnvironmentVariables = DeploymentTargetDefaults() });
            hasChanges = tools.TerraformPlan(planSettings); // terraform writes the plan (every value in clear) 0600

            using (var plan = tools.TerraformShowJson(Configure(new TerraformShowSettings { PlanFile = env.PlanFile })))
            {
                summary = PlanSummary.FromJson(plan.RootElement);
                File.WriteAllText(env.PlanJsonFile, GivenValues.Mask(RedactedJson(plan, infrastructure.Variables.Keys)));
            }
            var planMarkdown = GivenValues.Mask(summary.ToMarkdown(env.Name, checkout.Commit.ShortSha));
            File.WriteAllText(env.PlanMarkdownFile, planMarkdown);
            reporting.AddSummarySection($"Terraform plan ({env.Name})", planMarkdown);
            Log.Information($"Plan for {env.Name}: {(hasChanges ? summary.CountsLine : "no changes")}. Summary: {env.Show(env.PlanMarkdownFile)}");

            var guard = DestroyGuard.Evaluate(summary, env.Name, protection().ProtectedEnvironments, infrastructure.AllowDestroy, GuardedStep.Plan);
            if (guard.Blocked)
            {
                findings.Add(Finding.Error("terraform/destroy-protected", env.Show(env.RootModule), guard.Message!, "Re-run terraform-plan with --allow-destroy if the destruction is intended."));
                throw new PipelineException(guard.Message!);
            }
            if (guard.Message is not null)
            {
                Log.Warning(guard.Message);
                findings.Add(Finding.Warning("terraform/destroy-protected", env.Show(env.RootModule), guard.Message, "None: --allow-destroy was given."));
            }

            var fingerprint = new PlanFingerprint(env.Name, checkout.Commit.Sha, sources, state.Lineage, state.Serial, PlanFingerprint.Sha256Of(env.PlanFile));
            new PlanMetadata(fingerprint, infrastructure.VarFiles, hasChanges, DateTimeOffset.UtcNow).Save(env.PlanMetadataFile);
            // Nothing to apply: the infrastructure already is what deploy needs, so its outputs are current now.
            if (!hasChanges) WriteOutputs();
            if (!hasChanges && inputs is not null) KeepForReuse(inputs);
            succeeded = true;
        }
        catch (TerraformException failure)
        {
            var error = Explain(failure);
            findings.Add(Finding.Error(error.Rule, env.Show(env.RootModule), failure.Message, TerraformFailure.Fix(error.Rule, env.Name)));
            throw error.Exception;
        }
        finally
        {
            // Terraform saves even an errored plan; only a plan that passed every check may stay for apply.
            if (!succeeded) DeleteSavedPlan();
            WritePlanReport(summary, hasChanges, findings);
        }
    }

    /// <summary>The saved plan's metadata, or null when there is none.</summary>
    public PlanMetadata? SavedPlan() =>
        File.Exists(env.PlanMetadataFile) && File.Exists(env.PlanFile) ? LoadMetadata() : null;

    /// <summary>
    /// True when the saved plan changes nothing and was made from this commit and these sources, so
    /// apply has nothing to do (checked without running Terraform; apply itself checks the state too).
    /// </summary>
    /// <summary>
    /// Why there is nothing to plan or apply for the environment, or null: an environment the file declares without a root
    /// module of its own (src/infra/environments/&lt;env&gt;), a swarm's manager or a host set up by other means, is deployed as it is.
    /// </summary>
    public string? NothingToProvision => Directory.Exists(env.RootModule) ? null
        : $"'{env.Name}' has no Terraform root module ({Path.GetRelativePath(env.RepositoryRoot, env.RootModule)}): its infrastructure is not provisioned by this pipeline";

    public bool SavedPlanHasNoChanges() =>
        SavedPlan() is { HasChanges: false } saved &&
        saved.Fingerprint.Environment == env.Name &&
        saved.Fingerprint.Commit == checkout.Commit.Sha &&
        HashSources(saved.VarFiles).SequenceEqual(saved.Fingerprint.Sources);

    /// <summary>Applies the saved plan of this environment and commit, refusing one that is stale, then writes outputs.json.</summary>
    public void Apply()
    {
        var findings = new List<Finding>();
        var status = "failed";
        try
        {
            if (protection().ChangeRefusal(env.Name, ProtectedChange.Apply) is { } refusal)
                throw new PipelineException($"{refusal} Review {env.Show(env.PlanMarkdownFile)} first.");
            var saved = SavedPlan() ?? throw new PipelineException(
                $"No saved plan for {env.Name} in {env.Show(env.StateDirectory)}/: apply only applies a plan made by terraform-plan. " +
                $"Run ./build.sh --target=terraform-plan --env={env.Name}, review {env.Show(env.PlanMarkdownFile)}, then apply.");
            if (infrastructure.VarFiles.Count > 0 || infrastructure.Variables.Count > 0)
                Log.Warning("apply uses the variable values saved in the plan: --var-file and --var are for terraform-plan and are ignored here.");

            Initialize(backend: true);
            var state = tools.TerraformStateVersion(Configure(new TerraformStatePullSettings()));
            var current = new PlanFingerprint(env.Name, checkout.Commit.Sha, HashSources(saved.VarFiles), state.Lineage, state.Serial, PlanFingerprint.Sha256Of(env.PlanFile));
            var changes = current.ChangesSince(saved.Fingerprint);
            if (changes.Count > 0)
            {
                var message = $"The saved plan for {env.Name} is stale and was not applied:\n{string.Join("\n", changes.Select(c => "  - " + c))}\n" +
                    $"Run ./build.sh --target=terraform-plan --env={env.Name} again, review {env.Show(env.PlanMarkdownFile)}, then apply.";
                findings.Add(Finding.Error(TerraformFailure.StalePlan, env.Show(env.PlanFile), message, "Re-run terraform-plan, then apply."));
                throw new PipelineException(message);
            }
            // The protection may have changed since the plan was made: the guard is asked again, as it stands now.
            using (var plan = tools.TerraformShowJson(Configure(new TerraformShowSettings { PlanFile = env.PlanFile })))
            {
                var guard = DestroyGuard.Evaluate(PlanSummary.FromJson(plan.RootElement), env.Name, protection().ProtectedEnvironments, infrastructure.AllowDestroy, GuardedStep.Apply);
                if (guard.Blocked)
                {
                    findings.Add(Finding.Error("terraform/destroy-protected", env.Show(env.PlanFile), guard.Message!, "Re-run apply with --allow-destroy if the destruction is intended, or make a new plan."));
                    throw new PipelineException(guard.Message!);
                }
                if (guard.Message is not null) Log.Warning(guard.Message);
            }

            tools.TerraformApply(Configure(new TerraformApplySettings { PlanFile = env.PlanFile }));
            // A plan applies once: Terraform would refuse it now anyway, and it holds secrets.
            DeleteSavedPlan();
            WriteOutputs();
            status = "applied";
            Log.Information($"Applied the plan for {env.Name}; outputs: {env.Show(env.OutputsFile)}");
        }
        catch (TerraformException failure)
        {
            var error = Explain(failure);
            findings.Add(Finding.Error(error.Rule, env.Show(env.RootModule), failure.Message, TerraformFailure.Fix(error.Rule, env.Name)));
            throw error.Exception;
        }
        catch (PipelineException exception) when (findings.Count == 0)
        {
            findings.Add(Finding.Error("terraform/apply-refused", env.Show(env.ArtifactsDirectory), exception.Message, "See the message."));
            throw;
        }
        finally
        {
            var markdown = $"# Terraform apply: {env.Name}\n\nCommit `{checkout.Commit.ShortSha}`: **{status}**." +
                (status == "applied" ? $"\n\nOutputs: `{env.Show(env.OutputsFile)}`." : "");
            reporting.Write("apply", status, new { environment = env.Name, commit = checkout.Commit.Sha, outputs = status == "applied" ? env.Show(env.OutputsFile) : null }, markdown, findings);
        }
    }

    private void Initialize(bool backend)
    {
        var settings = Configure(new TerraformInitSettings { Backend = backend, Reconfigure = backend, ToolTimeout = infrastructure.InitTimeout });
        if (backend && File.Exists(env.BackendConfigFile)) settings.BackendConfigFile = env.BackendConfigFile;
        else if (backend) settings.BackendConfig["path"] = env.LocalStateFile;
        tools.TerraformInit(settings);
    }

    private T Configure<T>(T settings) where T : TerraformSettings
    {
        settings.RootModule = env.RootModule;
        settings.DataDirectory = env.DataDirectory;
        return settings;
    }

    private PlanMetadata LoadMetadata()
    {
        try
        {
            return PlanMetadata.Load(env.PlanMetadataFile);
        }
        catch (InvalidDataException exception)
        {
            throw new PipelineException($"{exception.Message} Run ./build.sh --target=terraform-plan --env={env.Name} to make a new plan.");
        }
    }

    // environments.json feeds the plan (PlanVariables): a change to it makes a saved plan stale too.
    private SortedDictionary<string, string> HashSources(IEnumerable<string> varFiles) =>
        PlanFingerprint.HashSources(env.RepositoryRoot, [env.RootModule, env.ModulesDirectory],
            [.. varFiles, environmentsFile]);

    /// <summary>
    /// The deployment target environments.json describes, as TF_VAR_ values: the root modules model it,
    /// so their deployment_target output (which deploy reads) agrees with the checked-in settings.
    /// As TF_VAR_ they rank lowest: terraform.tfvars, --var-file, --var and the user's own TF_VAR_ win.
    /// </summary>
    private Dictionary<string, string> DeploymentTargetDefaults()
    {
        var environment = configured();
        return new Dictionary<string, string>
        {
            ["TF_VAR_docker_host"] = environment.DockerHost ?? "",
            ["TF_VAR_compose_project"] = environment.ComposeProject,
            ["TF_VAR_health_url"] = environment.HealthUrl,
        }.Where(v => Environment.GetEnvironmentVariable(v.Key) is null).ToDictionary();
    }

    private void DeleteSavedPlan()
    {
        if (!Directory.Exists(env.StateDirectory)) return;
        File.Delete(env.PlanFile);
        File.Delete(env.PlanMetadataFile);
        File.Delete(env.PlanInputsFile);
    }

    /// <summary>The digest of what this run's plan would read, or null when Terraform must plan (PlanReuse.Obstacle says why).</summary>
    private string? ReusableInputsDigest()
    {
        var backendFile = Path.Combine(env.DataDirectory, "terraform.tfstate"); // what init configured
        var backend = File.Exists(backendFile) ? File.ReadAllText(backendFile) : null;
        var obstacle = PlanReuse.Obstacle(backend,
            File.Exists(env.LocalStateFile) ? File.ReadAllText(env.LocalStateFile) : null,
            File.Exists(Path.Combine(env.RootModule, ".terraform.lock.hcl")),
            infrastructure.Variables.Count > 0,
            Environment.GetEnvironmentVariables().Keys.Cast<string>());
        if (obstacle is not null)
        {
            Log.Verbose($"terraform-plan runs Terraform: {obstacle}");
            return null;
        }
        var inputs = new Dictionary<string, string>
        {
            ["environment"] = env.Name,
            ["commit"] = checkout.Commit.Sha,
            ["state"] = PlanFingerprint.Sha256Of(env.LocalStateFile),
            ["backend"] = backend!,
            // Another Terraform or another pipeline (which writes the reports and metadata) plans again.
            ["terraform"] = TerraformProgram.Identity(tools),
        };
        foreach (var (path, sha) in HashSources(infrastructure.VarFiles)) inputs["source " + path] = sha;
        foreach (var name in Environment.GetEnvironmentVariables().Keys.Cast<string>().Where(n => n.StartsWith("TF_", StringComparison.Ordinal)))
            inputs["variable " + name] = Environment.GetEnvironmentVariable(name) ?? "";
        return InputsDigest.Of(inputs);
    }

    /// <summary>The saved no-change plan stands for this run's when it was made from <paramref name="inputs"/>: its reports are shown again.</summary>
    private bool ReuseSavedPlan(string inputs)
    {
        if (!File.Exists(env.PlanInputsFile) || File.ReadAllText(env.PlanInputsFile).Trim() != inputs) return false;
        PlanMetadata? saved;
        try
        {
            saved = SavedPlan();
        }
        catch (PipelineException)
        {
            return false; // damaged metadata: the plan Terraform makes now replaces it
        }
        if (saved is not { HasChanges: false } || PlanFingerprint.Sha256Of(env.PlanFile) != saved.Fingerprint.PlanSha256) return false;
        if (!File.Exists(env.OutputsFile) || !File.Exists(env.KeptPlanJsonFile) || !File.Exists(env.KeptPlanMarkdownFile)) return false;

        if (Directory.Exists(env.ArtifactsDirectory)) Directory.Delete(env.ArtifactsDirectory, recursive: true);
        Directory.CreateDirectory(env.ArtifactsDirectory);
        File.Copy(env.KeptPlanJsonFile, env.PlanJsonFile);
        File.Copy(env.KeptPlanMarkdownFile, env.PlanMarkdownFile);
        var summary = PlanSummary.FromJson(File.ReadAllText(env.PlanJsonFile));
        reporting.AddSummarySection($"Terraform plan ({env.Name})", File.ReadAllText(env.PlanMarkdownFile));
        Log.Information($"Plan for {env.Name}: no changes (the saved plan of {saved.CreatedAt:u} was made from the same inputs, and nothing outside Terraform can change it: Terraform did not run). Summary: {env.Show(env.PlanMarkdownFile)}");
        outputsWritten();
        WritePlanReport(summary, hasChanges: false, [], reusedFrom: saved.CreatedAt);
        return true;
    }

    private void KeepForReuse(string inputs)
    {
        File.Copy(env.PlanJsonFile, env.KeptPlanJsonFile, overwrite: true);
        File.Copy(env.PlanMarkdownFile, env.KeptPlanMarkdownFile, overwrite: true);
        File.WriteAllText(env.PlanInputsFile, inputs + "\n");
    }

    private void WriteOutputs()
    {
        using var outputs = tools.TerraformOutputJson(Configure(new TerraformOutputSettings()));
        File.WriteAllText(env.OutputsFile, RedactedJson(outputs));
        outputsWritten();
    }

    private static string RedactedJson(JsonDocument document, IEnumerable<string>? givenVariables = null) =>
        SensitiveValues.Redact(JsonNode.Parse(document.RootElement.GetRawText())!, givenVariables).ToJsonString(Indented) + "\n";

    private (string Rule, PipelineException Exception) Explain(TerraformException failure)
    {
        var rule = failure.TimedOut ? TerraformFailure.ProvidersUnavailable : TerraformFailure.Classify(failure.Diagnostics);
        var message = rule == TerraformFailure.Other
            ? $"{failure.Message}\n(Terraform names files relative to {env.Show(env.RootModule)}/.) {TerraformFailure.Fix(rule, env.Name)}"
            : $"{TerraformFailure.Fix(rule, env.Name)}\n\n{failure.Message}";
        return (rule, new PipelineException(message));
    }

    private void WritePlanReport(PlanSummary? summary, bool hasChanges, List<Finding> findings, DateTimeOffset? reusedFrom = null)
    {
        var status = findings.Any(f => f.Severity == "error") ? "failed" : "passed";
        var markdown = GivenValues.Mask(summary?.ToMarkdown(env.Name, checkout.Commit.ShortSha) ?? $"# Terraform plan: {env.Name}\n\nNo plan was made.");
        reporting.Write("terraform-plan", status, new
        {
            environment = env.Name,
            commit = checkout.Commit.Sha,
            hasChanges,
            reusedPlanOf = reusedFrom,
            counts = summary is null ? null : new { create = summary.Create.Count, update = summary.Update.Count, replace = summary.Replace.Count, delete = summary.Delete.Count },
            changes = summary is null ? null : new { create = summary.Create, update = summary.Update, replace = summary.Replace, delete = summary.Delete, forget = summary.Forget, outputs = summary.OutputChanges },
            plan = File.Exists(env.PlanFile) ? env.Show(env.PlanFile) : null,
            planJson = File.Exists(env.PlanJsonFile) ? env.Show(env.PlanJsonFile) : null,
            summaryMarkdown = File.Exists(env.PlanMarkdownFile) ? env.Show(env.PlanMarkdownFile) : null,
        }, markdown, findings);
    }
}
