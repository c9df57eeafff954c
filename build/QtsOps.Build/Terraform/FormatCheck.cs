using Cake.Core;
using QtsOps.Core.Terraform;
using QtsOps.Core.Validation.Terraform;
using QtsOps.Core.Workspace;
using QtsOps.Tools.Terraform;

namespace QtsOps.Build.Terraform;

/// <summary>
/// validate's terraform fmt -check over src/infra/. Its answer depends only on the files it reads and
/// the terraform program, so a clean answer is kept with their digest (.qtsops/validate/) and stands
/// while they are unchanged: the inner loop's validate does not start terraform for sources it already checked.
/// </summary>
public sealed class FormatCheck(ICakeContext tools, string repositoryRoot, string stateDirectory)
{
    private string Directory => Path.Combine(repositoryRoot, TerraformRules.Directory);
    private string KeptFile => Path.Combine(stateDirectory, "validate", "terraform-fmt.sha256");

    /// <summary>The files terraform fmt would rewrite (none when all are formatted), or why it did not run.</summary>
    public TerraformFormatResult Run()
    {
        if (tools.Tools.Resolve("terraform") is null) return new TerraformFormatResult([], Skipped: "terraform is not on PATH");
        var digest = Digest();
        if (File.Exists(KeptFile))
        {
            if (File.ReadAllText(KeptFile).Trim() == digest) return new TerraformFormatResult([]);
            File.Delete(KeptFile);
        }
        try
        {
            var files = tools.TerraformFormatCheck(new TerraformFormatSettings { RootModule = Directory, Recursive = true });
            if (files.Count == 0) Keep(digest);
            return new TerraformFormatResult(files.Select(f => $"{TerraformRules.Directory}/{f.Replace('\\', '/')}").ToList());
        }
        catch (TerraformException failed)
        {
            return new TerraformFormatResult([], Error: failed.Diagnostics);
        }
    }

    // Every file under src/infra/ (not .terraform/): whatever fmt -recursive reads is among them.
    private string Digest()
    {
        var inputs = System.IO.Directory.EnumerateFiles(Directory, "*", SearchOption.AllDirectories)
            .Where(path => !path.Split(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar).Contains(".terraform"))
            .ToDictionary(path => "file " + Path.GetRelativePath(repositoryRoot, path), PlanFingerprint.Sha256Of);
        inputs["terraform"] = TerraformProgram.Identity(tools);
        return InputsDigest.Of(inputs);
    }

    private void Keep(string digest)
    {
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(KeptFile)!);
        File.WriteAllText(KeptFile, digest + "\n");
    }
}
