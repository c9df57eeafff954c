using QtsOps.Core.Reports;
using QtsOps.Core.Validation.Observer;
using YamlDotNet.RepresentationModel;

namespace QtsOps.Tests.Core;

/// <summary>Loading the observer's files: what is missing or unreadable, and which compose service is the observer.</summary>
[Category("Core")]
public class ObserverFilesTests
{
    private const string Compose = "src/observer/docker-compose.yml";
    private const string Publish = "src/observer/docker-compose.publish.yml";

    private ScratchRepository _repo = null!;

    [SetUp]
    public void CopySources() => _repo = new ScratchRepository("src/observer");

    [TearDown]
    public void RemoveCopy() => _repo.Dispose();

    private (ObserverFiles Files, List<Finding> Findings) Load()
    {
        var findings = new List<Finding>();
        return (ObserverFiles.Load(_repo.Path, findings), findings);
    }

    private static (string Rule, string? File, int? Line, string Message, string Fix) Described(Finding f) => (f.Rule, f.File, f.Line, f.Message, f.Fix);

    [Test]
    public void A_missing_required_file_is_named_with_its_fix()
    {
        File.Delete(_repo.Combine("src/observer/src/qts_observer/__main__.py"));

        var (_, findings) = Load();

        Assert.That(findings.Select(Described), Is.EqualTo(new[]
        {
            ("required-file", (string?)"src/observer/src/qts_observer/__main__.py", (int?)null, "src/qts_observer/__main__.py is missing from src/observer/",
                "restore it: the image and the deploy package need it (see SPEC.md, 'What ships')"),
        }));
    }

    [Test]
    public void A_file_that_does_not_parse_is_one_syntax_finding_with_its_fix_and_is_not_loaded()
    {
        _repo.Write("src/observer/deployment_config.json", "{\n  \"paths\": {\n    \"data_dir\" \"/app/data\"\n  }\n}\n");

        var (files, findings) = Load();

        Assert.That(files.DeploymentConfig, Is.Null);
        Assert.That(findings.Select(f => (f.Rule, f.File, f.Line, f.Fix)), Is.EqualTo(new[]
        {
            ("syntax", (string?)"src/observer/deployment_config.json", (int?)3, "fix the syntax; the other checks of this file are skipped until it parses"),
        }));
        Assert.That(findings[0].Message, Does.StartWith("cannot be parsed: "));
    }

    [TestCase("")]
    [TestCase("# only a comment\n")]
    [TestCase("- a list\n- not a mapping\n")]
    public void An_empty_compose_file_or_one_without_top_level_keys_cannot_be_parsed(string text)
    {
        _repo.Write(Compose, text);

        var (files, findings) = Load();

        Assert.That(files.Compose, Is.Null);
        Assert.That(findings.Select(Described), Is.EqualTo(new[]
        {
            ("syntax", (string?)Compose, (int?)1, "cannot be parsed: the file is empty or not a mapping of top-level keys",
                "fix the syntax; the other checks of this file are skipped until it parses"),
        }));
    }

    [Test]
    public void The_only_service_is_the_observer_whatever_its_name()
    {
        _repo.Replace(Compose, "  qts-observer:\n", "  observer:\n");

        var (files, findings) = Load();

        Assert.That(findings, Is.Empty);
        Assert.That(files.Service, Is.SameAs(((YamlMappingNode)files.Compose!.Children["services"]).Children["observer"]));
        Assert.That(files.ServiceLine(), Is.EqualTo(_repo.LinesOf(Compose, "  observer:")[0]));
        Assert.That(files.ServiceLine("restart"), Is.EqualTo(_repo.LinesOf(Compose, "    restart:")[0]));
    }

    [Test]
    public void Among_several_services_the_observer_is_the_one_named_qts_observer()
    {
        _repo.Replace(Compose, "services:\n", "services:\n  proxy:\n    image: nginx:1.27\n");

        var (files, findings) = Load();

        Assert.That(findings, Is.Empty);
        Assert.That(files.ServiceLine(), Is.EqualTo(_repo.LinesOf(Compose, "  qts-observer:")[0]));
    }

    [Test]
    public void Several_services_none_named_qts_observer_is_an_error_at_services()
    {
        _repo.Replace(Compose, "  qts-observer:\n", "  observer:\n");
        _repo.Replace(Compose, "services:\n", "services:\n  proxy:\n    image: nginx:1.27\n");

        var (files, findings) = Load();

        Assert.That(files.Service, Is.Null);
        Assert.That(findings.Select(Described), Is.EqualTo(new[]
        {
            ("compose-service", (string?)Compose, (int?)_repo.LinesOf(Compose, "  proxy:")[0], "no service 'qts-observer' under services:",
                "define the observer as services: qts-observer: (container_name qts-observer)"),
        }));
    }

    [Test]
    public void A_publish_file_without_the_observer_is_an_error_at_its_services()
    {
        _repo.Replace(Publish, "  qts-observer:\n", "  proxy:\n");

        var (files, findings) = Load();

        Assert.That(files.PublishedService, Is.Null);
        Assert.That(findings.Select(Described), Is.EqualTo(new[]
        {
            ("compose-service", (string?)Publish, (int?)_repo.LinesOf(Publish, "  proxy:")[0], "no service 'qts-observer' under services:",
                "publish the observer's port: services: qts-observer: ports: [\"127.0.0.1:8000:8000\"]"),
        }));
    }

    [Test]
    public void A_compose_file_without_services_is_an_error_at_its_first_line()
    {
        _repo.Write(Compose, "# no services\nname: qts\n");

        var (files, findings) = Load();

        Assert.That(files.Service, Is.Null);
        Assert.That(findings.Select(f => (f.Rule, f.Line)), Is.EqualTo(new[] { ("compose-service", (int?)1) }));
        Assert.That(files.ServiceLine("restart"), Is.EqualTo(1));
    }
}
