using System.Text.RegularExpressions;
using QtsOps.Host.Options;

namespace QtsOps.Build.Terraform;

/// <summary>The command-line settings of terraform-plan and apply, read and checked when a Terraform task is made (before it changes anything).</summary>
public sealed partial class InfrastructureSettings
{
    /// <param name="resolveGivenPath">Makes a path given on the command line absolute.</param>
    /// <param name="workingDirectory">What relative --var-file paths are relative to, named in the error.</param>
    public InfrastructureSettings(OptionValues options, Func<string, string> resolveGivenPath, string workingDirectory)
    {
        AllowDestroy = options.Get(PipelineOptions.AllowDestroy);

        VarFiles = [.. options.Get(PipelineOptions.VarFile).Select(resolveGivenPath)];
        foreach (var file in VarFiles.Where(f => !File.Exists(f)))
            throw new PipelineException($"--var-file: '{file}' does not exist. Give the path of a .tfvars file (relative to {workingDirectory} or absolute).");

        foreach (var assignment in options.Get(PipelineOptions.Var))
        {
            var equals = assignment.IndexOf('=');
            var name = equals > 0 ? assignment[..equals] : "";
            if (!VariableName().IsMatch(name))
                throw new PipelineException($"--var='{(equals > 0 ? name + "=..." : assignment)}' is not NAME=VALUE with a Terraform variable name: write --var=resource_group_name=rg-x.");
            Variables[name] = assignment[(equals + 1)..];
        }

        InitTimeout = TimeSpan.FromSeconds(options.Get(PipelineOptions.TerraformInitTimeout)!.Value);
    }

    /// <summary>--allow-destroy: a plan may destroy or replace resources of a protected environment.</summary>
    public bool AllowDestroy { get; }

    /// <summary>--var-file=PATH (several allowed), full paths, after the root module's own terraform.tfvars.</summary>
    public IReadOnlyList<string> VarFiles { get; }

    /// <summary>--var=NAME=VALUE (several allowed); values are masked in logs as they may be secrets.</summary>
    public Dictionary<string, string> Variables { get; } = [];

    /// <summary>--terraform-init-timeout (seconds, default 300): init downloads providers and may retry a registry it cannot reach.</summary>
    public TimeSpan InitTimeout { get; }


    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_-]*$")]
    private static partial Regex VariableName();
}
