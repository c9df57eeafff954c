using Cake.Core;
using Cake.Core.Annotations;
using Cake.Core.IO;

namespace QtsOps.Tools.Terraform;

[CakeAliasCategory("Terraform")]
public static class TerraformFmtAliases
{
    /// <summary>
    /// <c>terraform fmt -check -recursive</c> on <paramref name="directory"/>, run from
    /// <paramref name="workingDirectory"/>: the files it lists are relative to that directory.
    /// </summary>
    [CakeMethodAlias]
    public static TerraformFmtResult TerraformFmtCheck(this ICakeContext context, DirectoryPath workingDirectory, string directory) =>
        new TerraformFmtRunner(context.FileSystem, context.Environment, context.ProcessRunner, context.Tools).Run(new TerraformFmtSettings
        {
            Target = directory,
            Check = true,
            Recursive = true,
            WorkingDirectory = workingDirectory,
        });
}
