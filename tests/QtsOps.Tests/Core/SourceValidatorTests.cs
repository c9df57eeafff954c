using QtsOps.Core.Validation;
using QtsOps.Core.Validation.Terraform;

namespace QtsOps.Tests.Core;

/// <summary>What validate adds around the rules: the environments file, the Terraform switch, the order of the findings.</summary>
[Category("Core")]
public class SourceValidatorTests
{
    private const string Compose = "src/observer/docker-compose.yml";
    private const string Publish = "src/observer/docker-compose.publish.yml";
    private const string NotObjects = "{\n  \"local\": 5,\n  \"staging\": 6,\n  \"prod\": 7\n}\n";

    private ScratchRepository _repo = null!;

    [SetUp]
    public void CopySources() => _repo = new ScratchRepository("src/observer");

    [TearDown]
    public void RemoveCopy() => _repo.Dispose();

    private static (string? File, int? Line, string Rule, string Message, string Fix)[] Described(ValidationResult result) =>
        result.Findings.Select(f => (f.File, f.Line, f.Rule, f.Message, f.Fix)).ToArray();

    [Test]
    public void The_repository_environments_file_is_checked_and_its_problems_come_in_line_order()
    {
        _repo.Write("environments.json", NotObjects);

        var result = SourceValidator.Validate(_repo.Path, null, null);

        Assert.That(Described(result), Is.EqualTo(new[]
        {
            ((string?)"environments.json", (int?)2, "environments/invalid", "$.local: must be an object of settings", "see the 'local' entry for the keys"),
            ("environments.json", 3, "environments/invalid", "$.staging: must be an object of settings", "see the 'local' entry for the keys"),
            ("environments.json", 4, "environments/invalid", "$.prod: must be an object of settings", "see the 'local' entry for the keys"),
        }));
    }

    [Test]
    public void The_environments_file_given_is_checked_in_place_of_the_repository_one_and_named_from_the_root()
    {
        var given = _repo.Write("config/other.json", NotObjects);

        var result = SourceValidator.Validate(_repo.Path, null, null, given);

        Assert.That(result.Findings.Select(f => (f.File, f.Line, f.Message)), Is.EqualTo(new[]
        {
            ("config/other.json", (int?)2, "$.local: must be an object of settings"),
            ("config/other.json", 3, "$.staging: must be an object of settings"),
            ("config/other.json", 4, "$.prod: must be an object of settings"),
        }));
    }

    [Test]
    public void A_valid_or_missing_environments_file_adds_nothing()
    {
        Assert.That(SourceValidator.Validate(_repo.Path, null, null).Findings, Is.Empty, "no environments.json");

        File.Copy(SourceRepository.Combine("environments.json"), _repo.Combine("environments.json"));
        Assert.That(SourceValidator.Validate(_repo.Path, null, null).Findings, Is.Empty, "the repository's own");
        Assert.That(SourceValidator.Validate(_repo.Path, null, null, _repo.Combine("absent.json")).Findings, Is.Empty, "a given file that is not there");
    }

    [Test]
    public void Terraform_is_checked_only_when_src_infra_holds_a_tf_file_at_any_depth()
    {
        _repo.Write("src/infra/README.md", "# infra\n");
        Assert.That(SourceValidator.HasInfrastructure(_repo.Path), Is.False, "no .tf file");
        Assert.That(SourceValidator.Validate(_repo.Path, null, null).Findings, Is.Empty);

        _repo.Write("src/infra/modules/host/main.tf", "terraform {\n  required_version = \">= 1.5\"\n}\n");
        Assert.That(SourceValidator.HasInfrastructure(_repo.Path), Is.True);
        var format = SourceValidator.Validate(_repo.Path, null, null).Findings.Where(f => f.Rule == "terraform-fmt");

        Assert.That(format.Select(f => (f.Severity, f.File, f.Message, f.Fix)), Is.EqualTo(new[]
        {
            ("warning", (string?)"src/infra", "terraform fmt -check did not run: no result given", "install Terraform 1.5+ and put it on PATH"),
        }));

        var given = SourceValidator.Validate(_repo.Path, new TerraformFormatResult(["src/infra/modules/host/main.tf"]), null).Findings.Where(f => f.Rule == "terraform-fmt");
        Assert.That(given.Select(f => (f.Severity, f.File, f.Message)), Is.EqualTo(new[]
        {
            ("error", (string?)"src/infra/modules/host/main.tf", "not in terraform fmt's canonical format"),
        }), "the result given is used");
    }

    [Test]
    public void Without_src_infra_there_is_no_infrastructure()
    {
        Assert.That(SourceValidator.HasInfrastructure(_repo.Path), Is.False);
    }

    [Test]
    public void Findings_are_ordered_by_file_then_line_then_rule()
    {
        _repo.Replace(Compose, "    restart: unless-stopped\n", "");
        _repo.Replace(Publish, "    ports:\n      - \"${QTS_OBSERVER_BIND:-127.0.0.1}:${QTS_OBSERVER_PORT:-8000}:8000\"\n", "");
        _repo.Replace(Compose, "    read_only: true\n", "    read_only: false\n");
        File.Delete(_repo.Combine("src/observer/README.md"));
        _repo.Write("environments.json", NotObjects);
        var service = _repo.LinesOf(Compose, "  qts-observer:")[0];
        var published = _repo.LinesOf(Publish, "  qts-observer:")[0];
        var readOnly = _repo.LinesOf(Compose, "read_only: false")[0];

        var result = SourceValidator.Validate(_repo.Path, null, null);

        Assert.That(result.Findings.Select(f => (f.File, f.Line, f.Rule)), Is.EqualTo(new[]
        {
            ("environments.json", (int?)2, "environments/invalid"),
            ("environments.json", 3, "environments/invalid"),
            ("environments.json", 4, "environments/invalid"),
            ("src/observer/README.md", null, "required-file"),
            (Publish, published, "port-consistency"),
            (Compose, service, "compose-restart"),
            (Compose, readOnly, "compose-read-only"),
        }));
    }

    [Test]
    public void Findings_on_the_same_file_and_line_come_in_rule_order()
    {
        _repo.Replace(Compose, "    restart: unless-stopped\n", "");
        _repo.Replace(Compose, "    read_only: true\n", "");
        var service = _repo.LinesOf(Compose, "  qts-observer:")[0];

        var result = SourceValidator.Validate(_repo.Path, null, null);

        Assert.That(result.Findings.Select(f => (f.File, f.Line, f.Rule)), Is.EqualTo(new[]
        {
            ((string?)Compose, (int?)service, "compose-read-only"),
            (Compose, service, "compose-restart"),
        }));
    }

    // Issue 29, point 9: validate runs package's secret scan over the files package would ship.
    [Test]
    public void Secrets_package_would_refuse_are_validate_errors_at_their_line_and_ignored_files_are_not()
    {
        _repo.Write("src/observer/config/app.ini", "[aws]\nregion = eu-west-1\naccess_key_id = " + "AKIA" + "IOSFODNN7EXAMPLE" + "\n");
        _repo.Write("src/observer/.env", "TOKEN=x\n");
        _repo.Write("src/observer/config/.env.local", "TOKEN=x\n");
        bool Ignored(string path) => path == "src/observer/config/.env.local";

        var findings = SourceValidator.Validate(_repo.Path, null, Ignored).Findings.Where(f => f.Rule.StartsWith("package-secret/")).ToList();

        var package = Assert.Throws<QtsOps.Core.Packaging.PackagingException>(() => QtsOps.Core.Packaging.DeployPackage.Build(new QtsOps.Core.Packaging.PackageRequest(
            _repo.Combine("src/observer"), "src/observer", _repo.Combine("out"), "1.0.0", "1.0.0", DateTimeOffset.UnixEpoch, path => Ignored("src/observer/" + path))))!;
        Assert.That(findings, Is.EqualTo(package.Findings));
        Assert.That(findings.Select(f => (f.File, f.Line, f.Severity)), Is.EquivalentTo(new[]
        {
            ("src/observer/.env", (int?)null, "error"),
            ("src/observer/config/app.ini", 3, "error"),
        }));
    }

    // Without deployment_config.json there is no package to scan: the missing file is what validate says.
    [Test]
    public void Without_the_deployment_config_the_secret_scan_waits_for_the_file()
    {
        File.Delete(_repo.Combine("src/observer/deployment_config.json"));
        _repo.Write("src/observer/.env", "TOKEN=x\n");

        var findings = SourceValidator.Validate(_repo.Path, null, _ => false).Findings;

        Assert.That(findings.Select(f => f.Rule), Has.Some.EqualTo("required-file").And.None.StartWith("package-"));
    }

    [Test]
    public void A_symbolic_link_among_the_package_s_files_is_an_error_of_the_service_folder()
    {
        File.CreateSymbolicLink(_repo.Combine("src/observer/link.txt"), "/etc/hostname");

        var finding = SourceValidator.Validate(_repo.Path, null, null).Findings.Single(f => f.Rule == "package-files");

        Assert.That((finding.File, finding.Line, finding.Message, finding.Fix), Is.EqualTo(("src/observer", (int?)null,
            "Symbolic links are not packaged (they could pull in files from anywhere): link.txt. Replace them with the files.", "make package's files plain files")));
    }
}
