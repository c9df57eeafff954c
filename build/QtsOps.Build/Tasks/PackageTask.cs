using Cake.Core.Diagnostics;
using QtsOps.Host;
using QtsOps.Core.Packaging;
using QtsOps.Core.Reports;
using QtsOps.Core.Validation.Observer;

namespace QtsOps.Build.Tasks;

[TaskName("package")]
[TaskDescription("Builds artifacts/package/qts_ops_deploy-<version>.tar.gz (reproducible) and its .sha256 from src/observer/")]
[IsDependentOn(typeof(CleanTask))]
[IsDependentOn(typeof(ValidateTask))]
public sealed class PackageTask : FrostingTask<BuildContext>
{
    public override void Run(BuildContext context)
    {
        var commit = context.Checkout.Commit;
        if (commit.IsDirty)
            context.Log.Warning($"The working tree has uncommitted changes: the package holds them. Commit first for a reproducible package of {commit.ShortSha}.");

        PackageResult package;
        try
        {
            package = DeployPackage.Build(new PackageRequest(context.Checkout.ServiceDirectory, ObserverFiles.Directory,
                Path.Combine(context.ArtifactsDirectory, "package"), context.Checkout.Version, context.Checkout.VersionTag, commit.CommitTime, context.Checkout.IsIgnoredInService));
        }
        catch (PackagingException refused)
        {
            context.Reporting.Write("package", "refused", new { context.Checkout.Version, Commit = commit.Sha }, "# package\n\nRefused: nothing was written.", refused.Findings);
            foreach (var finding in refused.Findings) context.Reporting.Annotate(finding.Severity, $"{finding.Message} Fix: {finding.Fix}", finding.File, finding.Line, finding.Rule);
            throw new PipelineException(refused.Message);
        }

        package.WriteReport(context.ReportsDirectory, commit.Sha, context.RepositoryRoot);
        context.Reporting.Wrote("package");
        context.Log.Information($"{package.Archive}: {package.Files.Count} files, {package.Size} bytes, sha256 {package.Sha256}");
    }
}
