using System.Text.Json;
using Cake.Core;
using Cake.Core.Annotations;

namespace QtsOps.Tools.Terraform;

/// <summary>Terraform aliases in the Cake addin style: one typed settings class per command.</summary>
[CakeAliasCategory("Terraform")]
public static class TerraformAliases
{
    /// <summary><c>terraform init</c>: backend file and overrides, modules and providers.</summary>
    [CakeMethodAlias]
    public static void TerraformInit(this ICakeContext context, TerraformInitSettings settings) => Runner(context).Init(settings);

    [CakeMethodAlias]
    public static void TerraformValidate(this ICakeContext context, TerraformValidateSettings settings) => Runner(context).Validate(settings);

    /// <summary><c>terraform fmt -check</c>: the files that are not formatted (empty when all are).</summary>
    [CakeMethodAlias]
    public static IReadOnlyList<string> TerraformFormatCheck(this ICakeContext context, TerraformFormatSettings settings) => Runner(context).FormatCheck(settings);

    /// <summary><c>terraform plan -out -detailed-exitcode</c>: true when the saved plan changes anything.</summary>
    [CakeMethodAlias]
    public static bool TerraformPlan(this ICakeContext context, TerraformPlanSettings settings) => Runner(context).Plan(settings);

    /// <summary><c>terraform show -json</c>: the saved plan (or the state), parsed. It holds sensitive values in clear.</summary>
    [CakeMethodAlias]
    public static JsonDocument TerraformShowJson(this ICakeContext context, TerraformShowSettings settings) => Runner(context).ShowJson(settings);

    /// <summary><c>terraform apply PLANFILE</c>: only a saved plan.</summary>
    [CakeMethodAlias]
    public static void TerraformApply(this ICakeContext context, TerraformApplySettings settings) => Runner(context).Apply(settings);

    /// <summary><c>terraform output -json</c>, parsed. Sensitive outputs are in clear.</summary>
    [CakeMethodAlias]
    public static JsonDocument TerraformOutputJson(this ICakeContext context, TerraformOutputSettings settings) => Runner(context).OutputJson(settings);

    /// <summary><c>terraform state pull</c>, reduced to the state's lineage and serial.</summary>
    [CakeMethodAlias]
    public static TerraformStateVersion TerraformStateVersion(this ICakeContext context, TerraformStatePullSettings settings) => Runner(context).StatePull(settings);

    private static TerraformRunner Runner(ICakeContext context) =>
        new(context.FileSystem, context.Environment, context.ProcessRunner, context.Tools, context.Log);
}
