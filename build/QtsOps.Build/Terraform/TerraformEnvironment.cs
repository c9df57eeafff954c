namespace QtsOps.Build.Terraform;

/// <summary>Where everything of one environment's Terraform lives.</summary>
public sealed record TerraformEnvironment(string Name, string RepositoryRoot, string RootModule, string ModulesDirectory, string StateDirectory, string ArtifactsDirectory)
{
    /// <param name="stateDirectory">The checkout's .qtsops.</param>
    /// <param name="artifactsDirectory">The checkout's artifacts.</param>
    public static TerraformEnvironment For(string environment, string repositoryRoot, string stateDirectory, string artifactsDirectory)
    {
        var infra = Path.Combine(repositoryRoot, "src", "infra");
        return new TerraformEnvironment(
            environment,
            repositoryRoot,
            Path.Combine(infra, "environments", environment),
            Path.Combine(infra, "modules"),
            Path.Combine(stateDirectory, "terraform", environment),
            Path.Combine(artifactsDirectory, "terraform", environment));
    }

    /// <summary>TF_DATA_DIR: keeps .terraform/ out of the source tree, and outlives clean.</summary>
    public string DataDirectory => Path.Combine(StateDirectory, ".terraform");

    /// <summary>Staging and prod complete their azurerm backend from this file; local has none.</summary>
    public string BackendConfigFile => Path.Combine(RootModule, "backend.hcl");

    /// <summary>The local backend's state (environments without backend.hcl), under .qtsops/ so it survives clean.</summary>
    public string LocalStateFile => Path.Combine(StateDirectory, "terraform.tfstate");

    /// <summary>The user's own values for this environment (git-ignored); Terraform loads it by itself.</summary>
    public string UserVarFile => Path.Combine(RootModule, "terraform.tfvars");

    // What a later run needs lives under .qtsops/, so that clean (which deploy runs) keeps it:
    // the saved plan and its metadata for apply, the outputs for deploy and verify.
    public string PlanFile => Path.Combine(StateDirectory, "tfplan");
    public string PlanMetadataFile => Path.Combine(StateDirectory, Core.Terraform.PlanMetadata.FileName);

    // A no-change plan's inputs digest and reports, so that a run with the same inputs shows them again
    // without running Terraform (Core.Terraform.PlanReuse).
    public string PlanInputsFile => Path.Combine(StateDirectory, Core.Terraform.PlanReuse.InputsFileName);
    public string KeptPlanJsonFile => Path.Combine(StateDirectory, "plan.json");
    public string KeptPlanMarkdownFile => Path.Combine(StateDirectory, "plan.md");

    /// <summary>The outputs after apply (or of an unchanged infrastructure), which deploy reads.</summary>
    public string OutputsFile => Path.Combine(StateDirectory, "outputs.json");

    // The plan's reports, for people and CI (sensitive values redacted): artifacts, removed by clean.
    public string PlanJsonFile => Path.Combine(ArtifactsDirectory, "plan.json");
    public string PlanMarkdownFile => Path.Combine(ArtifactsDirectory, "plan.md");

    /// <summary>Path as shown to the user: relative to the repository.</summary>
    public string Show(string path) => Path.GetRelativePath(RepositoryRoot, path);
}
