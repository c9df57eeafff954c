using QtsOps.Release.Reports;
using QtsOps.Release.Validation.Terraform;

namespace QtsOps.Tests.Validation;

/// <summary>Each Terraform rule on the repository's src/infra/ with one defect put in.</summary>
[Category("Core")]
public class TerraformRulesTests
{
    private const string Staging = "src/infra/environments/staging";
    private const string Module = "src/infra/modules/resource_group";

    private ScratchRepository _repo = null!;

    [SetUp]
    public void CopySources() => _repo = new ScratchRepository("src/infra");

    [TearDown]
    public void RemoveCopy() => _repo.Dispose();

    private List<Finding> Check(TerraformFormatResult? format = null, Func<string, bool>? isIgnoredByGit = null)
    {
        var findings = new List<Finding>();
        TerraformRules.Check(_repo.Path, format ?? new TerraformFormatResult([]), isIgnoredByGit ?? (_ => true), findings);
        return findings;
    }

    private Finding Only(string rule)
    {
        var findings = Check();
        Assert.That(findings.Where(f => f.Rule == rule).ToList(), Has.Count.EqualTo(1), string.Join("\n", findings));
        return findings.Single(f => f.Rule == rule);
    }

    private int LineOf(string file, string text) => _repo.LinesOf(file, text)[0];

    [Test]
    public void The_repository_infrastructure_has_no_findings()
    {
        Assert.That(Check(), Is.Empty);
    }

    [Test]
    public void A_hard_coded_subscription_id_is_named_at_its_line()
    {
        _repo.Replace($"{Staging}/providers.tf", "  features {}\n", "  features {}\n  subscription_id = \"12345678-9abc-def0-1234-56789abcdef0\"\n");

        var finding = Only("terraform-hardcoded-id");

        Assert.That((finding.File, finding.Line), Is.EqualTo(($"{Staging}/providers.tf", (int?)LineOf($"{Staging}/providers.tf", "subscription_id ="))));
        Assert.That(finding.Message, Does.Contain("hard-coded subscription ID").And.Not.Contain("12345678"));
        Assert.That(finding.Fix, Does.Contain("ARM_SUBSCRIPTION_ID"));
    }

    [Test]
    public void A_literal_secret_in_a_tf_file_is_an_error()
    {
        _repo.Replace($"{Staging}/providers.tf", "  features {}\n", "  features {}\n  client_secret = \"s3cr3t-value\"\n");

        var finding = Only("terraform-secret");

        Assert.That(finding.Line, Is.EqualTo(LineOf($"{Staging}/providers.tf", "client_secret")));
        Assert.That(finding.Message, Does.Contain("'client_secret' is assigned a literal value").And.Not.Contain("s3cr3t"));
    }

    [Test]
    public void An_undeclared_variable_is_named_where_it_is_used()
    {
        _repo.Replace($"{Staging}/main.tf", "tags        = var.tags", "tags        = var.extra_tags");

        var findings = Check();

        var undeclared = findings.Single(f => f.Rule == "terraform-undeclared-variable");
        Assert.That((undeclared.File, undeclared.Line), Is.EqualTo(($"{Staging}/main.tf", (int?)LineOf($"{Staging}/main.tf", "var.extra_tags"))));
        Assert.That(undeclared.Message, Does.StartWith("var.extra_tags is used but no variable \"extra_tags\" is declared"));
    }

    [Test]
    public void Every_declared_variable_is_in_the_example_and_sensitive_ones_only_as_placeholders()
    {
        var example = $"{Staging}/terraform.tfvars.example";
        _repo.Replace(example, "location            = \"Korea South\"\n", "");
        _repo.Replace(example, "\"<set via TF_VAR_admin_password>\"", "\"Adm1n-passw0rd\"");
        _repo.Write(example, _repo.Read(example) + "colour = \"blue\"\n");

        var findings = Check().Where(f => f.Rule == "terraform-tfvars-example").ToList();

        Assert.That(findings.Select(f => (f.File, f.Line, f.Message)), Is.EquivalentTo(new[]
        {
            ($"{Staging}/variables.tf", (int?)LineOf($"{Staging}/variables.tf", "variable \"location\""), $"variable \"location\" is not in {example}"),
            (example, LineOf(example, "Adm1n"), "admin_password is sensitive but the example gives it a value"),
            (example, LineOf(example, "colour"), $"colour is not a variable of {Staging}"),
        }));
    }

    [Test]
    public void A_root_module_without_an_example_is_an_error_but_a_called_module_needs_none()
    {
        Assume.That(File.Exists(_repo.Combine($"{Module}/terraform.tfvars.example")), Is.False, "the called module has no example of its own");
        File.Delete(_repo.Combine($"{Staging}/terraform.tfvars.example"));

        var findings = Check().Where(f => f.Rule == "terraform-tfvars-example").ToList();

        Assert.That(findings.Select(f => f.File), Is.EqualTo(new[] { $"{Staging}/terraform.tfvars.example" }), "the module is called, not a root: no finding for it");
        Assert.That(findings[0].Message, Does.StartWith($"the root module {Staging} has no terraform.tfvars.example"));
    }

    [Test]
    public void A_missing_module_output_lists_the_outputs_there_are()
    {
        _repo.Replace($"{Staging}/outputs.tf", "module.resource_group.id", "module.resource_group.resource_group_id");

        var finding = Only("terraform-module-output");

        Assert.That((finding.File, finding.Line), Is.EqualTo(($"{Staging}/outputs.tf", (int?)LineOf($"{Staging}/outputs.tf", "module.resource_group"))));
        Assert.That(finding.Message, Does.Contain($"module \"resource_group\" ({Module}) has no output \"resource_group_id\"; its outputs: id, location, name"));
    }

    [Test]
    public void Module_arguments_match_the_module_variables()
    {
        _repo.Replace($"{Staging}/main.tf", "  location    = var.location\n", "  region      = var.location\n");

        var findings = Check().Where(f => f.Rule == "terraform-module-input").Select(f => f.Message).ToList();

        Assert.That(findings, Is.EquivalentTo(new[]
        {
            $"module \"resource_group\" passes region, which {Module} does not declare",
            $"module \"resource_group\" does not pass location, which {Module} requires (no default)",
        }));
    }

    [Test]
    public void Secret_looking_variables_must_be_sensitive_and_have_no_literal_default()
    {
        _repo.Write($"{Module}/variables.tf", _repo.Read($"{Module}/variables.tf") + """

            variable "sas_token" {
              type    = string
              default = "sv=2024&sig=abc"
            }

            variable "ssh_public_key" {
              type = string
            }
            """);
        _repo.Replace($"{Staging}/main.tf", "  tags        = var.tags\n", "  tags        = var.tags\n  ssh_public_key = \"ssh-ed25519 AAAA\"\n");

        var findings = Check();

        var sensitive = findings.Single(f => f.Rule == "terraform-sensitive");
        Assert.That((sensitive.File, sensitive.Line), Is.EqualTo(($"{Module}/variables.tf", (int?)LineOf($"{Module}/variables.tf", "variable \"sas_token\""))));
        Assert.That(findings.Single(f => f.Rule == "terraform-secret").Message, Is.EqualTo("variable \"sas_token\" has a literal default: the secret is in the repository"));
    }

    [Test]
    public void Tfvars_files_must_be_ignored_by_git()
    {
        _repo.Write($"{Staging}/terraform.tfvars", "location = \"Korea South\"\n");

        var findings = Check(isIgnoredByGit: path => !path.EndsWith(".tfvars"));

        var finding = findings.Single(f => f.Rule == "terraform-tfvars-ignored");
        Assert.That(finding.File, Is.EqualTo(".gitignore"));
        Assert.That(finding.Message, Does.Contain($"{Staging}/terraform.tfvars").And.Contain("src/infra/environments/local/terraform.tfvars"));
        Assert.That(Check(isIgnoredByGit: _ => true).Where(f => f.Rule == "terraform-tfvars-ignored"), Is.Empty);
    }

    [Test]
    public void Outside_git_the_ignore_check_is_a_warning()
    {
        var findings = new List<Finding>();
        TerraformRules.Check(_repo.Path, new TerraformFormatResult([]), null, findings);

        Assert.That(findings.Single().Severity, Is.EqualTo("warning"));
    }

    [Test]
    public void Format_results_become_findings()
    {
        var findings = Check(new TerraformFormatResult([$"{Staging}/main.tf"], Error: "Error: Unclosed configuration block on x.tf line 1"));

        Assert.That(findings.Select(f => (f.Rule, f.File, f.Severity)), Is.EquivalentTo(new[]
        {
            ("terraform-fmt", $"{Staging}/main.tf", "error"),
            ("terraform-fmt", "src/infra", "error"),
        }));
        Assert.That(Check(new TerraformFormatResult([], Skipped: "terraform is not on PATH")).Single().Severity, Is.EqualTo("warning"));
    }

    [Test]
    public void A_tf_file_that_does_not_parse_is_named_at_its_line()
    {
        _repo.Write($"{Staging}/broken.tf", "resource \"x\" \"y\" {\n  a = [1,\n");

        var finding = Only("syntax");

        Assert.That((finding.File, finding.Line), Is.EqualTo(($"{Staging}/broken.tf", (int?)2)));
    }
}
