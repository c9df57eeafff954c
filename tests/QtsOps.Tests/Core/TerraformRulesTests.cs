using QtsOps.Core.Reports;
using QtsOps.Core.Validation.Terraform;

namespace QtsOps.Tests.Core;

/// <summary>Each Terraform rule on the repository's src/infra/ with one defect put in.</summary>
[Category("Core")]
public class TerraformRulesTests
{
    private const string Staging = "src/infra/environments/staging";
    private const string Module = "src/infra/modules/resource_group";
    private const string Shared = "src/infra/modules/azure_environment";

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
        Assert.That(finding.Fix, Is.EqualTo("remove it and pass it through the environment (ARM_CLIENT_SECRET, TF_VAR_<name>)"));
    }

    [Test]
    public void An_undeclared_variable_is_named_where_it_is_used()
    {
        _repo.Replace($"{Staging}/main.tf", "tags                = var.tags", "tags                = var.extra_tags");

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
        _repo.Replace($"{Shared}/outputs.tf", "module.resource_group.id", "module.resource_group.resource_group_id");

        var finding = Only("terraform-module-output");

        Assert.That((finding.File, finding.Line), Is.EqualTo(($"{Shared}/outputs.tf", (int?)LineOf($"{Shared}/outputs.tf", "module.resource_group"))));
        Assert.That(finding.Message, Does.Contain($"module \"resource_group\" ({Module}) has no output \"resource_group_id\"; its outputs: id, location, name"));
    }

    [Test]
    public void An_output_of_a_module_that_is_not_called_is_an_error_at_its_line()
    {
        _repo.Replace($"{Shared}/outputs.tf", "module.resource_group.id", "module.resource_groups.id");

        var finding = Only("terraform-module-output");

        Assert.That((finding.File, finding.Line), Is.EqualTo(($"{Shared}/outputs.tf", (int?)LineOf($"{Shared}/outputs.tf", "module.resource_groups"))));
        Assert.That(finding.Message, Is.EqualTo($"module.resource_groups.id refers to module \"resource_groups\", which {Shared} does not call"));
        Assert.That(finding.Fix, Is.EqualTo("add module \"resource_groups\" { source = ... } or fix the name"));
    }

    [Test]
    public void Module_arguments_match_the_module_variables()
    {
        _repo.Replace($"{Shared}/main.tf", "  location    = var.location\n", "  region      = var.location\n");

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
        _repo.Replace($"{Shared}/main.tf", "  tags        = var.tags\n", "  tags        = var.tags\n  ssh_public_key = \"ssh-ed25519 AAAA\"\n");

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

        Assert.That(findings, Is.EqualTo(new[]
        {
            Finding.Warning("terraform-tfvars-ignored", ".gitignore", "not a git repository: cannot check that *.tfvars files stay out of commits",
                "run validate inside the QtsOps git repository"),
        }));
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

    private const string GuidText = "12345678-9abc-def0-1234-56789abcdef0";

    [TestCase("admin_password", true)]
    [TestCase("db_passwd", true)]
    [TestCase("client_secret", true)]
    [TestCase("storage_account_key", true)]
    [TestCase("sas-token", true)]
    [TestCase("sql_credential", true)]
    [TestCase("azure_credentials", true)]
    [TestCase("ssh_public_key", false)]
    [TestCase("monkey", false)]
    [TestCase("keyboard_layout", false)]
    [TestCase("location", false)]
    public void A_variable_looks_secret_by_a_whole_word_of_its_name(string name, bool secret)
    {
        Assert.That(TerraformRules.LooksSecret(name), Is.EqualTo(secret));
    }

    [Test]
    public void Module_meta_arguments_are_not_inputs_the_module_must_declare()
    {
        _repo.Replace($"{Shared}/main.tf", "  tags        = var.tags\n",
            "  tags        = var.tags\n  version     = \"1.0.0\"\n  count       = 1\n  for_each    = {}\n  providers   = {}\n  depends_on  = []\n");

        Assert.That(Check(), Is.Empty);
    }

    [Test]
    public void Format_results_become_findings_with_their_messages_and_fixes()
    {
        var findings = Check(new TerraformFormatResult([$"{Staging}/main.tf"], Error: "Error: Unclosed configuration block", Skipped: "terraform is not on PATH"));

        Assert.That(findings, Is.EqualTo(new[]
        {
            Finding.Warning("terraform-fmt", "src/infra", "terraform fmt -check did not run: terraform is not on PATH", "install Terraform 1.5+ and put it on PATH"),
            Finding.Error("terraform-fmt", "src/infra", "terraform fmt -check failed: Error: Unclosed configuration block", "fix the file it names (terraform fmt prints the line)"),
            Finding.Error("terraform-fmt", $"{Staging}/main.tf", "not in terraform fmt's canonical format", "run: terraform fmt -recursive src/infra"),
        }));
    }

    [Test]
    public void An_undeclared_variable_says_where_to_declare_it()
    {
        _repo.Replace($"{Staging}/main.tf", "tags                = var.tags", "tags                = var.extra_tags");

        Assert.That(Only("terraform-undeclared-variable"), Is.EqualTo(Finding.Error("terraform-undeclared-variable", $"{Staging}/main.tf",
            $"var.extra_tags is used but no variable \"extra_tags\" is declared in {Staging}",
            $"declare variable \"extra_tags\" in {Staging}/variables.tf, or fix the name", line: LineOf($"{Staging}/main.tf", "var.extra_tags"))));
    }

    [Test]
    public void A_secret_variable_needs_sensitive_and_a_non_empty_literal_default_is_a_secret_in_the_repository()
    {
        var variables = $"{Module}/variables.tf";
        _repo.Write(variables, _repo.Read(variables) + """

            variable "api_key" {
              type    = string
              default = ""
            }

            variable "sas_token" {
              type      = string
              sensitive = true
              default   = "sv-2024"
            }
            """);

        Assert.That(Check(), Is.EqualTo(new[]
        {
            Finding.Error("terraform-sensitive", variables, "variable \"api_key\" looks secret but is not sensitive: plans and logs would show its value",
                "add sensitive = true", line: LineOf(variables, "variable \"api_key\"")),
            Finding.Error("terraform-secret", variables, "variable \"sas_token\" has a literal default: the secret is in the repository",
                "use default = null and set TF_VAR_sas_token in the environment", line: LineOf(variables, "\"sv-2024\"")),
        }));
    }

    [Test]
    public void A_root_module_without_an_example_is_told_what_to_write_in_it()
    {
        File.Delete(_repo.Combine($"{Staging}/terraform.tfvars.example"));

        Assert.That(Only("terraform-tfvars-example"), Is.EqualTo(Finding.Error("terraform-tfvars-example", $"{Staging}/terraform.tfvars.example",
            $"the root module {Staging} has no terraform.tfvars.example",
            "add terraform.tfvars.example listing every variable with an example value (sensitive ones as \"<set via TF_VAR_name>\")")));
    }

    [Test]
    public void An_example_that_does_not_parse_is_named_at_its_line()
    {
        var example = $"{Staging}/terraform.tfvars.example";
        _repo.Write(example, "location = \"Korea South\"\nenvironment = \"staging\n");

        Assert.That(Check(), Is.EqualTo(new[]
        {
            Finding.Error("syntax", example, "cannot be parsed: a string is not closed: '\"' missing", "write it as name = value lines", line: 2),
        }));
    }

    [Test]
    public void Example_findings_say_how_to_fix_each_line()
    {
        var example = $"{Staging}/terraform.tfvars.example";
        _repo.Replace(example, "location            = \"Korea South\"\n", "");
        _repo.Replace(example, "\"<set via TF_VAR_admin_password>\"", "\"Adm1n-passw0rd\"");
        _repo.Write(example, _repo.Read(example) + "colour = \"blue\"\n");

        Assert.That(Check().Where(f => f.Rule == "terraform-tfvars-example"), Is.EqualTo(new[]
        {
            Finding.Error("terraform-tfvars-example", $"{Staging}/variables.tf", $"variable \"location\" is not in {example}",
                "add a line location = <example value> to terraform.tfvars.example", line: LineOf($"{Staging}/variables.tf", "variable \"location\"")),
            Finding.Error("terraform-tfvars-example", example, "admin_password is sensitive but the example gives it a value",
                "write admin_password = \"<set via TF_VAR_admin_password>\"", line: LineOf(example, "Adm1n")),
            Finding.Error("terraform-tfvars-example", example, $"colour is not a variable of {Staging}", "remove the line or fix the name", line: LineOf(example, "colour")),
        }));
    }

    [Test]
    public void A_variable_declared_sensitive_needs_a_placeholder_in_the_example_whatever_its_name()
    {
        var example = $"{Staging}/terraform.tfvars.example";
        _repo.Replace($"{Staging}/variables.tf", "variable \"docker_host\" { default = null }\n", "variable \"docker_host\" {\n  default   = null\n  sensitive = true\n}\n");

        Assert.That(Only("terraform-tfvars-example"), Is.EqualTo(Finding.Error("terraform-tfvars-example", example,
            "docker_host is sensitive but the example gives it a value", "write docker_host = \"<set via TF_VAR_docker_host>\"", line: LineOf(example, "docker_host"))));
    }

    [TestCase("\"<set via TF_VAR_admin_password\"", true)]
    [TestCase("\"set via TF_VAR_admin_password>\"", true)]
    [TestCase("\"\"", false)]
    [TestCase("null", false)]
    public void A_sensitive_example_value_is_a_placeholder_only_in_angle_brackets_or_empty(string value, bool finding)
    {
        var example = $"{Staging}/terraform.tfvars.example";
        _repo.Replace(example, "\"<set via TF_VAR_admin_password>\"", value);

        Assert.That(Check().Where(f => f.Rule == "terraform-tfvars-example").Select(f => f.Message),
            finding ? Is.EqualTo(new[] { "admin_password is sensitive but the example gives it a value" }) : Is.Empty);
    }

    [Test]
    public void Hard_coded_ids_are_found_in_tf_hcl_and_example_files_in_path_order_but_not_in_documentation()
    {
        var backend = $"{Staging}/backend.hcl";
        var example = $"{Staging}/terraform.tfvars.example";
        var moduleMain = $"{Module}/main.tf";
        _repo.Write(backend, _repo.Read(backend) + $"tenant_id            = \"{GuidText}\"\n");
        _repo.Write(example, _repo.Read(example) + $"# the subscription: {GuidText}\n");
        _repo.Write(moduleMain, _repo.Read(moduleMain) + $"# object_id {GuidText}\n");
        _repo.Write($"{Staging}/README.md", _repo.Read($"{Staging}/README.md") + $"\nclient_id = {GuidText}\n");
        const string fix = "remove it: the azurerm provider and backend read ARM_SUBSCRIPTION_ID, ARM_TENANT_ID and ARM_CLIENT_ID from the environment";

        Assert.That(Check(), Is.EqualTo(new[]
        {
            Finding.Error("terraform-hardcoded-id", backend, "a hard-coded tenant ID: it identifies the Azure account in the repository", fix, line: LineOf(backend, GuidText)),
            Finding.Error("terraform-hardcoded-id", example, "a hard-coded ID (GUID): it identifies the Azure account in the repository", fix, line: LineOf(example, GuidText)),
            Finding.Error("terraform-hardcoded-id", moduleMain, "a hard-coded object ID: it identifies the Azure account in the repository", fix, line: LineOf(moduleMain, GuidText)),
        }));
    }

    [Test]
    public void Every_tfvars_file_git_would_commit_is_named_in_path_order()
    {
        _repo.Write($"{Staging}/terraform.tfvars", "location = \"Korea South\"\n");
        _repo.Write($"{Staging}/extra.tfvars", "location = \"Korea South\"\n");

        var finding = Check(isIgnoredByGit: _ => false).Single(f => f.Rule == "terraform-tfvars-ignored");

        Assert.That(finding, Is.EqualTo(Finding.Error("terraform-tfvars-ignored", ".gitignore",
            "git would commit *.tfvars files, which hold real values and secrets: src/infra/environments/local/terraform.tfvars, " +
            $"src/infra/environments/prod/terraform.tfvars, {Staging}/extra.tfvars, {Staging}/terraform.tfvars, {Shared}/terraform.tfvars, {Module}/terraform.tfvars",
            "add the line '*.tfvars' to .gitignore (and 'git rm --cached' any that are tracked)")));
    }

    [Test]
    public void A_module_called_by_a_dot_slash_path_needs_no_example_of_its_own()
    {
        _repo.Write($"{Staging}/main.tf", _repo.Read($"{Staging}/main.tf") + "\nmodule \"sub\" {\n  source = \"./sub\"\n}\n");
        _repo.Write($"{Staging}/sub/main.tf", "output \"y\" {\n  value = 1\n}\n");

        Assert.That(Check(), Is.Empty);
    }

    [Test]
    public void A_source_that_is_not_a_relative_path_is_a_registry_address_even_when_a_folder_has_its_name()
    {
        _repo.Write($"{Staging}/main.tf", _repo.Read($"{Staging}/main.tf") + "\nmodule \"sub\" {\n  source = \"sub\"\n}\n");
        _repo.Write($"{Staging}/sub/main.tf", "output \"y\" {\n  value = 1\n}\n");

        Assert.That(Only("terraform-tfvars-example").Message, Is.EqualTo($"the root module {Staging}/sub has no terraform.tfvars.example"));
    }

    [Test]
    public void A_source_that_climbs_out_of_the_repository_calls_no_module_here()
    {
        _repo.Write($"{Staging}/main.tf", _repo.Read($"{Staging}/main.tf") + "\nmodule \"outside\" {\n  source = \"../../../../../../outside\"\n}\n");

        Assert.That(Check(), Is.Empty);
    }

    [Test]
    public void Files_that_do_not_parse_are_named_in_path_order_with_the_error_and_the_fix()
    {
        _repo.Write($"{Staging}/b.tf", "}\n");
        _repo.Write($"{Staging}/a.tf", "\na = \"open\n");
        _repo.Write("src/infra/environments/prod/z.tf", "x\n");
        const string fix = "fix the syntax (terraform validate shows the same error)";

        Assert.That(Check().Where(f => f.Rule == "syntax"), Is.EqualTo(new[]
        {
            Finding.Error("syntax", "src/infra/environments/prod/z.tf", "cannot be parsed: 'x' is neither an attribute ('x = ...') nor a block ('x \"label\" { ... }')", fix, line: 1),
            Finding.Error("syntax", $"{Staging}/a.tf", "cannot be parsed: a string is not closed: '\"' missing", fix, line: 2),
            Finding.Error("syntax", $"{Staging}/b.tf", "cannot be parsed: '}' without a block to close", fix, line: 1),
        }));
    }

    [Test]
    public void An_output_block_without_a_name_is_not_among_the_outputs_a_missing_output_lists()
    {
        _repo.Write($"{Module}/outputs.tf", _repo.Read($"{Module}/outputs.tf") + "\noutput {\n  value = 1\n}\n");
        _repo.Replace($"{Shared}/outputs.tf", "module.resource_group.id", "module.resource_group.resource_group_id");

        Assert.That(Only("terraform-module-output").Message, Does.EndWith("has no output \"resource_group_id\"; its outputs: id, location, name"));
    }
}
