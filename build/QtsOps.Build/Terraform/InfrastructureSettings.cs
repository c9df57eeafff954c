using System.Text.RegularExpressions;

namespace QtsOps.Build.Terraform;

/// <summary>The command-line settings of terraform-plan and apply, read and checked when a Terraform task first needs them.</summary>
public sealed partial class InfrastructureSettings
{
    public InfrastructureSettings(BuildContext context)
    {
        // The setting adds to environments.json's protected ones; it can never unprotect prod.
        ProtectedEnvironments = [.. context.ProtectedEnvironments.Union((context.Setting("protected-environments", "QTSOPS_PROTECTED_ENVIRONMENTS") ?? "")
            .Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))];
        foreach (var name in ProtectedEnvironments.Where(n => !BuildContext.Environments.Contains(n)))
            throw new PipelineException($"Unknown environment '{name}' in --protected-environments (or QTSOPS_PROTECTED_ENVIRONMENTS). Use a comma-separated list of: {string.Join(", ", BuildContext.Environments)}.");

        AllowDestroy = context.Switch("allow-destroy");
        Approved = context.IsApproved;

        var workingDirectory = context.Environment.WorkingDirectory.FullPath;
        VarFiles = [.. context.Arguments.GetArguments("var-file").Select(file => Path.GetFullPath(file, workingDirectory))];
        foreach (var file in VarFiles.Where(f => !File.Exists(f)))
            throw new PipelineException($"--var-file: '{file}' does not exist. Give the path of a .tfvars file (relative to {workingDirectory} or absolute).");

        foreach (var assignment in context.Arguments.GetArguments("var"))
        {
            var equals = assignment.IndexOf('=');
            var name = equals > 0 ? assignment[..equals] : "";
            if (!VariableName().IsMatch(name))
                throw new PipelineException($"--var='{(equals > 0 ? name + "=..." : assignment)}' is not NAME=VALUE with a Terraform variable name: write --var=resource_group_name=rg-x.");
            Variables[name] = assignment[(equals + 1)..];
        }

        var timeout = context.Setting("terraform-init-timeout") ?? "300";
        if (!int.TryParse(timeout, out var seconds) || seconds <= 0)
            throw new PipelineException($"--terraform-init-timeout must be a number of seconds greater than 0 (got '{timeout}').");
        InitTimeout = TimeSpan.FromSeconds(seconds);
    }

    /// <summary>Environments where a plan may not destroy or replace anything without --allow-destroy, and apply needs --approve or CI (those marked protected in environments.json, plus any the setting adds).</summary>
    public IReadOnlyList<string> ProtectedEnvironments { get; }

    public bool IsProtected(string environment) => ProtectedEnvironments.Contains(environment);

    /// <summary>--allow-destroy: a plan may destroy or replace resources of a protected environment.</summary>
    public bool AllowDestroy { get; }

    /// <summary>--approve or a CI run: applying to a protected environment is confirmed.</summary>
    public bool Approved { get; }

    /// <summary>--var-file=PATH (several allowed), full paths, after the root module's own terraform.tfvars.</summary>
    public IReadOnlyList<string> VarFiles { get; }

    /// <summary>--var=NAME=VALUE (several allowed); values are masked in logs as they may be secrets.</summary>
    public Dictionary<string, string> Variables { get; } = [];

    /// <summary>--terraform-init-timeout (seconds, default 300): init downloads providers and may retry a registry it cannot reach.</summary>
    public TimeSpan InitTimeout { get; }


    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_-]*$")]
    private static partial Regex VariableName();
}
