using System.Text.Json;
using QtsOps.Release.Reports;

namespace QtsOps.Tests.Release;

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
}
