using System.Text;
using QtsOps.Core.Environments;
using QtsOps.Core.Packaging;
using QtsOps.Core.Reports;
using QtsOps.Core.Validation.Observer;
using QtsOps.Core.Validation.Terraform;

namespace QtsOps.Core.Validation;

/// <summary>The findings of one validation, in file and line order.</summary>
public sealed record ValidationResult(IReadOnlyList<Finding> Findings)
{
    public int Errors => Findings.Count(f => f.Severity == "error");
    public int Warnings => Findings.Count(f => f.Severity == "warning");

    /// <summary>Errors fail; warnings fail only with --strict.</summary>
    public bool Fails(bool strict) => Errors > 0 || strict && Warnings > 0;

    /// <summary>What failed, one <c>file:line: message (fix: ...)</c> per line.</summary>
    public string FailureMessage(bool strict)
    {
        var failing = Findings.Where(f => f.Severity == "error" || strict).ToList();
        var message = new StringBuilder($"validate found {Errors} error(s)");
        if (strict && Warnings > 0) message.Append($" and {Warnings} warning(s), which fail with --strict");
        message.Append(':');
        foreach (var finding in failing) message.Append("\n  ").Append(Located(finding));
        return message.ToString();
    }

    /// <summary><c>file:line: message (fix: ...)</c>, the form editors and CI logs link to the file.</summary>
    public static string Located(Finding finding) =>
        $"{finding.File}{(finding.Line is { } line ? $":{line}" : "")}: {finding.Message} (fix: {finding.Fix})";

    /// <returns>The report's Markdown: the counts and the findings table.</returns>
    public string WriteReport(string reportsDirectory, bool strict) => ReportWriter.Write(reportsDirectory, "validate", Fails(strict) ? "failed" : "passed",
        new { Strict = strict, Errors, Warnings },
        $"# validate\n\n{Errors} error(s), {Warnings} warning(s){(strict ? " (--strict: warnings fail too)" : "")}: {(Fails(strict) ? "**failed**" : "passed")}.",
        Findings);
}

/// <summary>Static checks of src/: the observer's container files and, when present, the Terraform under src/infra/.</summary>
public static class SourceValidator
{
    public static bool HasInfrastructure(string repositoryRoot) =>
        Directory.Exists(Path.Combine(repositoryRoot, TerraformRules.Directory))
        && Directory.EnumerateFiles(Path.Combine(repositoryRoot, TerraformRules.Directory), "*.tf", SearchOption.AllDirectories).Any();

    /// <summary>The environments file, when there is one, with the errors deploy would give, as findings.</summary>
    private static void CheckEnvironments(string repositoryRoot, string path, List<Finding> findings)
    {
        if (!File.Exists(path)) return;
        try
        {
            EnvironmentCatalog.Parse(File.ReadAllText(path), Path.GetRelativePath(repositoryRoot, path).Replace('\\', '/'));
        }
        catch (SettingsFileException invalid)
        {
            findings.AddRange(invalid.Problems);
        }
    }

    /// <summary>The secret scan package runs, over the same files: a secret is found before anything is built.</summary>
    private static void CheckSecrets(string repositoryRoot, Func<string, bool>? isIgnoredByGit, List<Finding> findings)
    {
        var service = Path.Combine(repositoryRoot, ObserverFiles.Directory);
        if (!File.Exists(Path.Combine(service, DeployPackage.DeploymentConfig))) return; // reported as a required file
        try
        {
            var shipped = DeployPackage.SelectFiles(service, isIgnoredByGit is null ? null : path => isIgnoredByGit($"{ObserverFiles.Directory}/{path}"));
            findings.AddRange(DeployPackage.Secrets(service, shipped, ObserverFiles.Directory).Select(DeployPackage.SecretFinding));
        }
        catch (PackagingException refused)
        {
            findings.Add(Finding.Error("package-files", ObserverFiles.Directory, refused.Message, "make package's files plain files"));
        }
    }

    /// <param name="format">What terraform fmt -check said; only read when there is infrastructure.</param>
    /// <param name="isIgnoredByGit">Whether git leaves a path out of commits; null outside a git repository.</param>
    /// <param name="environmentsFile">The environments file in use (--environments); default: the repository's environments.json.</param>
    public static ValidationResult Validate(string repositoryRoot, TerraformFormatResult? format, Func<string, bool>? isIgnoredByGit, string? environmentsFile = null)
    {
        var findings = new List<Finding>();
        var files = ObserverFiles.Load(repositoryRoot, findings);
        ConsistencyRules.Check(files, findings);
        ContainerSecurityRules.Check(files, findings);
        HostAccessRules.Check(files, findings);
        OperationsRules.Check(files, findings);
        if (HasInfrastructure(repositoryRoot))
            TerraformRules.Check(repositoryRoot, format ?? new TerraformFormatResult([], Skipped: "no result given"), isIgnoredByGit, findings);
        CheckSecrets(repositoryRoot, isIgnoredByGit, findings);
        CheckEnvironments(repositoryRoot, environmentsFile ?? Path.Combine(repositoryRoot, EnvironmentCatalog.FileName), findings);
        return new ValidationResult(findings
            .OrderBy(f => f.File, StringComparer.Ordinal).ThenBy(f => f.Line ?? 0).ThenBy(f => f.Rule, StringComparer.Ordinal)
            .ToList());
    }
}
