using Cake.Core.Diagnostics;
using QtsOps.Host;
using QtsOps.Release.Packaging;

namespace QtsOps.Build.Tasks;

[TaskName("package")]
[TaskDescription("Builds artifacts/package/qts_ops_deploy-<version>.tar.gz (reproducible) and its .sha256 from src/observer/")]
[IsDependentOn(typeof(CleanTask))]
[IsDependentOn(typeof(ValidateTask))]
public sealed class PackageTask : FrostingTask<BuildContext>
{
    public override void Run(BuildContext context)
    {
        var commit = context.Commit;
        if (commit.IsDirty)
            context.Log.Warning($"The working tree has uncommitted changes: the package holds them but is named after commit {commit.ShortSha}. Commit first for a reproducible package.");

        PackageResult package;
        try
        {
            package = DeployPackage.Build(new PackageRequest(Path.Combine(context.RepositoryRoot, "src", "observer"), "src/observer",
                Path.Combine(context.ArtifactsDirectory, "package"), context.Version, commit.CommitTime));
        }
        catch (PackagingException refused)
        {
            throw new PipelineException(refused.Message);
        }

        var report = package.WriteReport(context.ReportsDirectory, commit.Sha, context.RepositoryRoot);
        context.Log.Information($"{package.Archive}: {package.Files.Count} files, {package.Size} bytes, sha256 {package.Sha256}; report {report}");
    }
}
