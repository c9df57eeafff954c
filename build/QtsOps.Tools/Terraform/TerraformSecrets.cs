using Cake.Core;

namespace QtsOps.Tools.Terraform;

/// <summary>The values Terraform's output must never show: Azure credentials (Azure errors echo subscription and tenant IDs), secret variables and backend credentials.</summary>
public static class TerraformSecrets
{
    /// <summary>ARM_* variables holding an ID or credential, and TF_VAR_* variables named like a secret.</summary>
    public static bool IsSecretVariable(string name) =>
        (name.StartsWith("ARM_", StringComparison.OrdinalIgnoreCase) && ArmSecretSuffixes.Any(suffix => name.EndsWith(suffix, StringComparison.OrdinalIgnoreCase))) ||
        (name.StartsWith("TF_VAR_", StringComparison.OrdinalIgnoreCase) && SecretWords.Any(word => name.Contains(word, StringComparison.OrdinalIgnoreCase)));

    public static IEnumerable<string> Of(TerraformSettings settings, ICakeEnvironment environment)
    {
        var variables = environment.GetEnvironmentVariables().Concat(settings.EnvironmentVariables ?? new Dictionary<string, string>());
        foreach (var (name, value) in variables)
            if (IsSecretVariable(name) && !string.IsNullOrEmpty(value)) yield return value;
        if (settings is TerraformVariableSettings withVariables)
            foreach (var value in withVariables.SecretVariables.Values) yield return value;
        if (settings is TerraformInitSettings init)
            foreach (var (key, value) in init.BackendConfig)
                if (TerraformArguments.IsCredentialKey(key)) yield return value;
    }

    private static readonly string[] ArmSecretSuffixes = ["_ID", "_SECRET", "_KEY", "_TOKEN", "_PASSWORD"];
    private static readonly string[] SecretWords = ["password", "secret", "token", "key"];
}
