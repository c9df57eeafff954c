using System.Text;
using QtsOps.Core.Reports;

namespace QtsOps.Core.Verification;

/// <summary>artifacts/reports/verify.json and .md: every check with its evidence, failures as findings.</summary>
public sealed record VerifyReport(string Target, string Environment, string Release, string Container, DateTimeOffset CheckedAt, bool Passed, IReadOnlyList<CheckResult> Checks, IReadOnlyList<Finding> Findings)
{
    /// <param name="target">The target that verified (verify, rollback): the report's name and title.</param>
    /// <param name="definitionFile">The compose file of the release checked, relative to the repository root: where fixes go.</param>
    public static VerifyReport Of(string target, string environment, string release, string container, DateTimeOffset checkedAt, IReadOnlyList<CheckResult> checks, string definitionFile) =>
        new(target, environment, release, container, checkedAt, checks.All(c => c.Passed), checks,
            checks.Where(c => !c.Passed).Select(c => Finding.Error($"verify/{c.Name}", definitionFile, c.Evidence, c.Fix ?? "")).ToList());

    public string ToMarkdown()
    {
        var markdown = new StringBuilder();
        markdown.Append($"# {Target}: {Environment}\n\n");
        markdown.Append($"Release `{Release}` in container `{Container}`, checked {CheckedAt:u}: **{(Passed ? "passed" : "FAILED")}** ");
        markdown.Append($"({Checks.Count(c => c.Passed)} of {Checks.Count} checks passed).\n\n");
        markdown.Append("| check | result | evidence |\n|---|---|---|\n");
        foreach (var check in Checks)
            markdown.Append($"| `{check.Name}` | {(check.Passed ? "pass" : "**fail**")} | {ReportWriter.Cell(check.Evidence)} |\n");
        return markdown.ToString();
    }

    /// <summary>
    /// What failed, for the error message. A container that is not running fails every check that
    /// looks inside it: then that is the one cause given.
    /// </summary>
    public string FailureSummary
    {
        get
        {
            var failed = Checks.Where(c => !c.Passed).ToList();
            if (failed.FirstOrDefault(c => c.Name == "running") is { } notRunning && failed.Count > 1)
                return $"{notRunning.Name}: {notRunning.Evidence} (so {failed.Count - 1} other check(s) could not pass; {notRunning.Fix})";
            return string.Join("; ", failed.Select(c => $"{c.Name}: {c.Evidence}"));
        }
    }
}
