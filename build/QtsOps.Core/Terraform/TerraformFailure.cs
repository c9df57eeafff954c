namespace QtsOps.Core.Terraform;

/// <summary>Turns what a failed terraform command printed into what the user should do about it.</summary>
public static class TerraformFailure
{
    public const string ProvidersUnavailable = "terraform/providers-unavailable";
    public const string CredentialsMissing = "terraform/credentials";
    public const string StalePlan = "terraform/stale-plan";
    public const string Other = "terraform/failed";

    // Terraform's provider installer headings, and what its HTTP client says when the registry is unreachable.
    private static readonly string[] ProviderErrors =
        ["Failed to query available provider packages", "Failed to install provider", "could not connect to registry.terraform.io"];

    private static readonly string[] CredentialErrors =
        ["unable to build authorizer", "building AzureRM Client", "obtain a token", "Error acquiring the state lock", "Failed to get existing workspaces"];

    /// <summary>The rule (one of the constants) that <paramref name="diagnostics"/> shows.</summary>
    public static string Classify(string diagnostics)
    {
        if (ProviderErrors.Any(e => diagnostics.Contains(e, StringComparison.OrdinalIgnoreCase))) return ProvidersUnavailable;
        if (diagnostics.Contains("Saved plan is stale", StringComparison.OrdinalIgnoreCase)) return StalePlan;
        if (CredentialErrors.Any(e => diagnostics.Contains(e, StringComparison.OrdinalIgnoreCase))) return CredentialsMissing;
        return Other;
    }

    /// <summary>How to get past a failure of the given rule in <paramref name="environment"/>.</summary>
    public static string Fix(string rule, string environment) => rule switch
    {
        ProvidersUnavailable =>
            $"Terraform could not install the providers of environments/{environment} (hashicorp/azurerm): the provider registry (registry.terraform.io) or the configured mirror cannot be reached from here (offline?). " +
            $"Run `./build.sh --target=terraform-plan --env={environment}` where it can: a machine or CI runner with network access to registry.terraform.io, " +
            "or a provider mirror (provider_installation in a CLI config file named by TF_CLI_CONFIG_FILE) or a filled plugin cache (TF_PLUGIN_CACHE_DIR); " +
            "the azurerm backend and provider also need ARM_SUBSCRIPTION_ID, ARM_TENANT_ID, ARM_CLIENT_ID and ARM_CLIENT_SECRET in the environment. " +
            "The local environment needs none of this: --env=local.",
        CredentialsMissing =>
            $"Terraform could not sign in to Azure for environments/{environment}: set ARM_SUBSCRIPTION_ID, ARM_TENANT_ID, ARM_CLIENT_ID and ARM_CLIENT_SECRET " +
            "(a service principal with access to the state storage account and the subscription) in the environment, never in a file, and run again.",
        StalePlan =>
            $"The state changed after the plan was saved. Run `./build.sh --target=terraform-plan --env={environment}` again, review the new plan, then apply.",
        _ => "See Terraform's message above: it names the file and line where there is one.",
    };
}
