using System.Text.Json;

namespace QtsOps.Core.Terraform;

/// <summary>
/// When terraform-plan may keep the saved no-change plan instead of running Terraform again (the
/// inner loop plans on every ./build.sh; init, validate, plan, show and output cost about half a second).
/// A plan is a function of its inputs and of what its providers read outside: an environment whose
/// state holds only managed resources of Terraform's built-in provider, in the local backend, with
/// no provider installed (no lock file), reads nothing outside, so the same inputs give the same plan.
/// Any other environment (staging, prod: real resources that can drift) is planned on every run.
/// </summary>
public static class PlanReuse
{
    /// <summary>Beside the saved plan: the digest of the inputs it was made from, written only for a no-change plan.</summary>
    public const string InputsFileName = "plan.inputs.sha256";

    private const string BuiltInProvider = "provider[\"terraform.io/builtin/terraform\"]";

    /// <summary>
    /// Why this environment must be planned by Terraform on every run, or null when a plan of the same
    /// inputs may stand. <paramref name="backend"/> is the backend init configured (the "backend"
    /// object of TF_DATA_DIR/terraform.tfstate; null when there is none), <paramref name="localState"/>
    /// the local backend's state file's text (null when there is none yet).
    /// </summary>
    public static string? Obstacle(string? backend, string? localState, bool hasProviderLockFile, bool hasGivenVariables, IEnumerable<string> environmentVariableNames)
    {
        if (hasGivenVariables) return "--var values are given (they may be secrets: no digest of them is kept)";
        if (environmentVariableNames.FirstOrDefault(IsValueVariable) is { } variable)
            return $"{variable} is set (its value may be a secret: no digest of it is kept)";
        if (BackendType(backend) != "local" || localState is null) return "the state is not in the local backend, or there is none yet";
        if (hasProviderLockFile) return "a provider is installed (it may read real infrastructure, which can drift)";
        return OutsideReader(localState);
    }

    /// <summary>The environment variables that hand Terraform values or arguments (TF_VAR_*, TF_CLI_ARGS*).</summary>
    public static bool IsValueVariable(string name) =>
        name.StartsWith("TF_VAR_", StringComparison.Ordinal) || name.StartsWith("TF_CLI_ARGS", StringComparison.Ordinal);

    private static string? BackendType(string? backend)
    {
        if (backend is null) return null;
        using var document = Parse(backend);
        return document?.RootElement is { ValueKind: JsonValueKind.Object } root && root.TryGetProperty("backend", out var b) &&
            b.ValueKind == JsonValueKind.Object && b.TryGetProperty("type", out var type) ? type.GetString() : null;
    }

    /// <summary>Why the state may depend on something outside (a resource not managed by the built-in provider), or null.</summary>
    private static string? OutsideReader(string state)
    {
        using var document = Parse(state);
        if (document?.RootElement.ValueKind != JsonValueKind.Object) return "the state file is not a Terraform state";
        if (!document.RootElement.TryGetProperty("resources", out var resources) || resources.ValueKind != JsonValueKind.Array) return null;
        foreach (var resource in resources.EnumerateArray())
        {
            var mode = resource.TryGetProperty("mode", out var m) ? m.GetString() : null;
            var provider = resource.TryGetProperty("provider", out var p) ? p.GetString() : null;
            if (mode == "managed" && provider == BuiltInProvider) continue;
            var type = resource.TryGetProperty("type", out var t) ? t.GetString() : "?";
            var name = resource.TryGetProperty("name", out var n) ? n.GetString() : "?";
            var address = mode == "data" ? $"data.{type}.{name}" : $"{type}.{name}";
            return $"the state holds {address}, which is not a managed resource of Terraform's built-in provider (it may read something that changes)";
        }
        return null;
    }

    // A damaged file is Terraform's to report: here it only means "plan again".
    private static JsonDocument? Parse(string json)
    {
        try
        {
            return JsonDocument.Parse(json);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
