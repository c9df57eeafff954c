using Cake.Core.Diagnostics;
using QtsOps.Build.Terraform;
using QtsOps.Host;
using QtsOps.Core.Validation;
using QtsOps.Core.Validation.Terraform;
using QtsOps.Tools.Git;

namespace QtsOps.Build.Tasks;

[TaskName("validate")]
[TaskDescription("Static checks of src/ (container files, Terraform) and environments.json; report in artifacts/reports/validate.*; --strict fails on warnings too")]
public sealed class ValidateTask : FrostingTask<BuildContext>
{
    public override void Run(BuildContext context)
    {
        var strict = context.Options.Get(PipelineOptions.Strict);
        var result = SourceValidator.Validate(context.RepositoryRoot, TerraformFormat(context), context.GitIgnoreChecker(context.RepositoryRoot), context.EnvironmentsFile);
        context.Reporting.AddSummarySection("validate", result.WriteReport(context.ReportsDirectory, strict));
        context.Reporting.Wrote("validate");

        // What fails the run is listed once, in the failure message.
        var failing = result.Fails(strict);
        foreach (var finding in result.Findings)
        {
            context.Reporting.Annotate(finding.Severity, $"{finding.Message} Fix: {finding.Fix}", finding.File, finding.Line, finding.Rule);
            if (!failing || finding.Severity == "warning" && !strict) context.Log.Warning(ValidationResult.Located(finding));
        }
        context.Log.Information($"validate: {result.Errors} error(s), {result.Warnings} warning(s); report {Path.Combine(context.ReportsDirectory, "validate.json")}");
        if (result.Fails(strict)) throw new PipelineException(result.FailureMessage(strict));
    }

    /// <summary>terraform fmt -check over src/infra/; null when there is no Terraform.</summary>
    private static TerraformFormatResult? TerraformFormat(BuildContext context) =>
        SourceValidator.HasInfrastructure(context.RepositoryRoot) ? new FormatCheck(context, context.RepositoryRoot, context.StateDirectory).Run() : null;
}
