using System.Text.Json;
using QtsOps.Core.Reports;

namespace QtsOps.Tests.Core;

[Category("Core")]
public class ReportWriterTests
{
    [Test]
    public void Json_and_markdown_carry_the_details_and_findings_in_the_shared_shape()
    {
        using var reports = new TempDirectory();
        var finding = Finding.Error("terraform/x", "src/infra/environments/prod", "two\nlines | pipe", "do this", line: 3);

        ReportWriter.Write(reports.Path, "terraform-plan", "failed", new { environment = "prod", hasChanges = true }, "# Plan\n", [finding]);

        using var json = JsonDocument.Parse(File.ReadAllText(reports.Combine("terraform-plan.json")));
        var root = json.RootElement;
        Assert.That(root.GetProperty("target").GetString(), Is.EqualTo("terraform-plan"));
        Assert.That(root.GetProperty("status").GetString(), Is.EqualTo("failed"));
        Assert.That(root.GetProperty("environment").GetString(), Is.EqualTo("prod"));
        var written = root.GetProperty("findings")[0];
        Assert.That(written.EnumerateObject().Select(p => p.Name), Is.EqualTo(new[] { "rule", "severity", "file", "line", "message", "fix" }));
        Assert.That(written.GetProperty("line").GetInt32(), Is.EqualTo(3));

        var markdown = File.ReadAllText(reports.Combine("terraform-plan.md"));
        Assert.That(markdown, Does.StartWith("# Plan"));
        Assert.That(markdown, Does.Contain("| error | `terraform/x` | src/infra/environments/prod:3 | two<br>lines \\| pipe | do this |"));
    }

    [Test]
    public void Without_findings_the_markdown_is_the_summary_alone_and_the_json_ends_with_a_newline()
    {
        using var reports = new TempDirectory();

        var markdown = ReportWriter.Write(reports.Path, "verify", "passed", new { }, "# Verify\n\nAll checks passed.\n\n\n", []);

        Assert.That(markdown, Is.EqualTo("# Verify\n\nAll checks passed.\n\n"));
        Assert.That(File.ReadAllText(reports.Combine("verify.md")), Is.EqualTo(markdown));
        Assert.That(File.ReadAllText(reports.Combine("verify.json")), Is.EqualTo("{\n  \"target\": \"verify\",\n  \"status\": \"passed\",\n  \"findings\": []\n}\n"));
    }

    [Test]
    public void The_findings_table_locates_each_finding_by_file_and_line_by_file_or_not_at_all()
    {
        using var reports = new TempDirectory();
        Finding[] findings =
        [
            Finding.Error("a", "src/x.tf", "at a line", "fix a", line: 7),
            Finding.Warning("b", "src/y.tf", "in a file", "fix b"),
            Finding.Error("c", null, "nowhere", "fix c"),
        ];

        var markdown = ReportWriter.Write(reports.Path, "validate", "failed", new { }, "# validate", findings);

        Assert.That(markdown, Is.EqualTo("# validate\n\n## Findings\n\n| severity | rule | where | message | fix |\n|---|---|---|---|---|\n" +
            "| error | `a` | src/x.tf:7 | at a line | fix a |\n| warning | `b` | src/y.tf | in a file | fix b |\n| error | `c` |  | nowhere | fix c |\n"));
    }
}
