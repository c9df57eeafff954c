using System.Text.Json;

namespace QtsOps.Tests.Tools;

/// <summary>
/// validate keeps a clean terraform fmt -check with the digest of src/infra/ and the terraform program,
/// and runs terraform again once a file changed. The real pipeline and terraform, in a scratch repository.
/// </summary>
public class TerraformFormatKeptTests
{
    private const string Kept = ".qtsops/validate/terraform-fmt.sha256";

    private static List<string> FormatFindings(ScratchRepository repo) =>
        JsonDocument.Parse(repo.Read("artifacts/reports/validate.json")).RootElement.GetProperty("findings").EnumerateArray()
            .Where(f => f.GetProperty("rule").GetString() == "terraform-fmt").Select(f => f.GetProperty("file").GetString()!).ToList();

    [Test]
    public void A_clean_check_is_kept_and_a_changed_file_is_checked_again()
    {
        using var repo = new ScratchRepository("src", "environments.json");
        repo.Commit(DateTimeOffset.Now);

        var first = repo.RunPipeline("--target=validate");
        Assert.That(first.ExitCode, Is.Zero, first.Error);
        Assert.That(File.Exists(repo.Combine(Kept)), Is.True, "a clean check is kept");
        var digest = repo.Read(Kept);
        Assert.That(repo.RunPipeline("--target=validate").ExitCode, Is.Zero);
        Assert.That(repo.Read(Kept), Is.EqualTo(digest), "unchanged files: the kept answer stands");

        // Unformatted: terraform fmt would align the "=".
        File.AppendAllText(repo.Combine("src/infra/environments/local/main.tf"), "\nlocals {\n  a = 1\n  bbb = 2\n}\n");
        var run = repo.RunPipeline("--target=validate");

        Assert.That(run.ExitCode, Is.EqualTo(1), run.Output);
        Assert.That(FormatFindings(repo), Does.Contain("src/infra/environments/local/main.tf"));
        Assert.That(File.Exists(repo.Combine(Kept)), Is.False, "only a clean check is kept");
    }
}
