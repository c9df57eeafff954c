using Cake.Core.Diagnostics;
using QtsOps.Host;
using QtsOps.Release.Reports;
using QtsOps.Release.Validation;
using QtsOps.Release.Validation.Terraform;
using QtsOps.Tools.Git;
using QtsOps.Tools.Terraform;

namespace QtsOps.Build.Tasks;

[TaskName("validate")]
[TaskDescription("Static checks of src/ (container files, Terraform); report in artifacts/reports/validate.*; --strict fails on warnings too")]
public sealed class ValidateTask : FrostingTask<BuildContext>
{
    public override void Run(BuildContext context)
    {
        var strict = context.Switch("strict");
        var result = SourceValidator.Validate(context.RepositoryRoot, TerraformFormat(context), context.GitIgnoreChecker(context.RepositoryRoot));
        var report = result.WriteReport(context.ReportsDirectory, strict);

        // What fails the run is listed once, in the failure message.
        var failing = result.Fails(strict);
        foreach (var finding in result.Findings.Where(f => !failing || f.Severity == Severity.Warning && !strict))
            context.Log.Warning(finding.ToString());
        context.Log.Information($"validate: {result.Errors} error(s), {result.Warnings} warning(s); report {report}");
        if (result.Fails(strict)) throw new PipelineException(result.FailureMessage(strict));
    }

    private static TerraformFormatResult? TerraformFormat(BuildContext context)
    {
        if (!SourceValidator.HasInfrastructure(context.RepositoryRoot)) return null;
        var fmt = context.TerraformFmtCheck(context.RepositoryRoot, TerraformRules.Directory);
        return fmt.Installed
            ? new TerraformFormatResult(fmt.Files.Select(f => f.Replace('\\', '/')).ToList(), fmt.Error)
            : new TerraformFormatResult([], Skipped: "terraform is not on PATH");
    }
}
