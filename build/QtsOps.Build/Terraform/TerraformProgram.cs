using Cake.Core;

namespace QtsOps.Build.Terraform;

/// <summary>What a kept Terraform result depends on besides its files: the terraform program and this pipeline.</summary>
public static class TerraformProgram
{
    /// <summary>Another terraform (path, size, time) or another build of the pipeline gives another identity.</summary>
    public static string Identity(ICakeContext tools)
    {
        var program = tools.Tools.Resolve("terraform")?.FullPath;
        var terraform = program is null ? "missing" : $"{program} {new FileInfo(program).Length} {File.GetLastWriteTimeUtc(program).Ticks}";
        return $"{terraform}; pipeline {typeof(TerraformProgram).Assembly.ManifestModule.ModuleVersionId} {typeof(Core.Terraform.PlanReuse).Assembly.ManifestModule.ModuleVersionId}";
    }
}
