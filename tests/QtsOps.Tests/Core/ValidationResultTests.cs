using QtsOps.Core.Reports;
using QtsOps.Core.Validation;

namespace QtsOps.Tests.Core;

/// <summary>validate's verdict, failure message and report from its findings.</summary>
[Category("Core")]
public class ValidationResultTests
{
    private static readonly Finding Error = Finding.Error("env-mismatch", "src/observer/docker-compose.yml", "A is 'x' here but 'y' there", "make them the same", line: 12);
    private static readonly Finding FileError = Finding.Error("required-file", "src/observer/start.sh", "start.sh is missing from src/observer/", "restore it");
    private static readonly Finding Warning = Finding.Warning("compose-read-only", "src/observer/docker-compose.yml", "the root file system is writable", "set read_only: true", line: 20);

    [Test]
    public void A_finding_is_located_as_file_colon_line_with_its_fix()
    {
        Assert.That(ValidationResult.Located(Error), Is.EqualTo("src/observer/docker-compose.yml:12: A is 'x' here but 'y' there (fix: make them the same)"));
        Assert.That(ValidationResult.Located(FileError), Is.EqualTo("src/observer/start.sh: start.sh is missing from src/observer/ (fix: restore it)"));
    }

    [Test]
    public void Errors_fail_and_warnings_fail_only_when_strict()
    {
        var none = new ValidationResult([]);
        var warned = new ValidationResult([Warning]);
        var failed = new ValidationResult([Error, Warning]);

        Assert.That((none.Fails(false), none.Fails(true)), Is.EqualTo((false, false)));
        Assert.That((warned.Fails(false), warned.Fails(true)), Is.EqualTo((false, true)));
        Assert.That((failed.Fails(false), failed.Fails(true)), Is.EqualTo((true, true)));
        Assert.That((failed.Errors, failed.Warnings), Is.EqualTo((1, 1)));
    }

    [Test]
    public void The_failure_message_lists_the_errors_and_leaves_warnings_out_unless_strict()
    {
        var result = new ValidationResult([FileError, Error, Warning]);

        Assert.That(result.FailureMessage(strict: false), Is.EqualTo(
            "validate found 2 error(s):\n  src/observer/start.sh: start.sh is missing from src/observer/ (fix: restore it)\n" +
            "  src/observer/docker-compose.yml:12: A is 'x' here but 'y' there (fix: make them the same)"));
        Assert.That(result.FailureMessage(strict: true), Is.EqualTo(
            "validate found 2 error(s) and 1 warning(s), which fail with --strict:\n  src/observer/start.sh: start.sh is missing from src/observer/ (fix: restore it)\n" +
            "  src/observer/docker-compose.yml:12: A is 'x' here but 'y' there (fix: make them the same)\n" +
            "  src/observer/docker-compose.yml:20: the root file system is writable (fix: set read_only: true)"));
        Assert.That(new ValidationResult([Error]).FailureMessage(strict: true), Is.EqualTo(
            "validate found 1 error(s):\n  src/observer/docker-compose.yml:12: A is 'x' here but 'y' there (fix: make them the same)"), "no warning to name");
    }

    [Test]
    public void The_report_gives_the_counts_the_verdict_and_the_findings()
    {
        using var reports = new TempDirectory();

        var markdown = new ValidationResult([Error, Warning]).WriteReport(reports.Path, strict: false);

        Assert.That(markdown, Does.StartWith("# validate\n\n1 error(s), 1 warning(s): **failed**.\n\n## Findings\n"));
        var json = System.Text.Json.JsonDocument.Parse(File.ReadAllText(reports.Combine("validate.json"))).RootElement;
        Assert.That((json.GetProperty("target").GetString(), json.GetProperty("status").GetString(), json.GetProperty("strict").GetBoolean(),
            json.GetProperty("errors").GetInt32(), json.GetProperty("warnings").GetInt32(), json.GetProperty("findings").GetArrayLength()),
            Is.EqualTo(("validate", "failed", false, 1, 1, 2)));
        Assert.That(File.ReadAllText(reports.Combine("validate.md")), Is.EqualTo(markdown));
    }

    [Test]
    public void A_warning_alone_passes_and_fails_only_with_strict_in_the_report()
    {
        using var reports = new TempDirectory();
        var result = new ValidationResult([Warning]);

        Assert.That(result.WriteReport(reports.Path, strict: false), Does.StartWith("# validate\n\n0 error(s), 1 warning(s): passed.\n"));
        Assert.That(File.ReadAllText(reports.Combine("validate.json")), Does.Contain("\"status\": \"passed\""));

        Assert.That(result.WriteReport(reports.Path, strict: true), Does.StartWith("# validate\n\n0 error(s), 1 warning(s) (--strict: warnings fail too): **failed**.\n"));
        Assert.That(File.ReadAllText(reports.Combine("validate.json")), Does.Contain("\"status\": \"failed\"").And.Contain("\"strict\": true"));
    }
}
