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

/// <summary>A compose service's settings read from the short and the long syntax.</summary>
[Category("Core")]
public class ComposeServiceTests
{
    private static YamlMappingNode Service(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        return (YamlMappingNode)stream.Documents[0].RootNode;
    }

    [Test]
    public void Environment_as_a_mapping_gives_each_value_and_its_line_and_empty_for_none_or_a_list()
    {
        var environment = ComposeService.Environment(Service("image: x\nenvironment:\n  A: one\n  B:\n  C: \"a=b\"\n  D: [not, a, value]\n"));

        Assert.That(environment, Is.EquivalentTo(new Dictionary<string, (string, int)> { ["A"] = ("one", 3), ["B"] = ("", 4), ["C"] = ("a=b", 5), ["D"] = ("", 6) }));
    }

    [Test]
    public void Environment_as_a_list_splits_at_the_first_equals_sign()
    {
        var environment = ComposeService.Environment(Service("environment:\n  - A=one=two\n  - B\n  - C=\n"));

        Assert.That(environment, Is.EquivalentTo(new Dictionary<string, (string, int)> { ["A"] = ("one=two", 2), ["B"] = ("", 3), ["C"] = ("", 4) }));
    }

    [Test]
    public void No_environment_is_an_empty_one() =>
        Assert.That(ComposeService.Environment(Service("image: x\n")), Is.Empty);

    [Test]
    public void Volumes_in_the_short_and_the_long_syntax()
    {
        var volumes = ComposeService.Volumes(Service("""
            volumes:
              - /app/cache
              - ./data:/app/data
              - ./config:/app/config:ro,z
              - ./logs:/app/logs:rw
              - type: bind
                source: ./state
                target: /app/state
                read_only: true
              - type: tmpfs
            """));

        Assert.That(volumes, Is.EqualTo(new[]
        {
            new ComposeVolume(null, "/app/cache", false, 2),
            new ComposeVolume("./data", "/app/data", false, 3),
            new ComposeVolume("./config", "/app/config", true, 4),
            new ComposeVolume("./logs", "/app/logs", false, 5),
            new ComposeVolume("./state", "/app/state", true, 6),
            new ComposeVolume(null, "", false, 10),
        }));
    }

    [Test]
    public void Container_ports_in_the_short_and_the_long_syntax()
    {
        var ports = ComposeService.ContainerPorts(Service("""
            ports:
              - "127.0.0.1:8080:8000/tcp"
              - "9000"
              - target: 8001
                published: 80
              - published: 81
            """));

        Assert.That(ports, Is.EqualTo(new[] { ("8000", 2), ("9000", 3), ("8001", 4), ("", 6) }));
    }

    [Test]
    public void No_healthcheck_is_null() =>
        Assert.That(ComposeService.Healthcheck(Service("image: x\n")), Is.Null);

    [TestCase("healthcheck:\n  interval: 5s\n  test: [\"CMD\", \"curl\", \"-f\", \"http://x/health\"]\n", "curl -f http://x/health", 3)]
    [TestCase("healthcheck:\n  interval: 5s\n  test: [\"CMD-SHELL\", \"curl -f http://x/health || exit 1\"]\n", "curl -f http://x/health || exit 1", 3)]
    [TestCase("healthcheck:\n  interval: 5s\n  test: curl -f http://x/health\n", "curl -f http://x/health", 3)]
    [TestCase("healthcheck:\n  interval: 5s\n  test: [\"curl\", \"-f\", \"http://x/health\"]\n", "curl -f http://x/health", 3)]
    [TestCase("healthcheck:\n  interval: 5s\n  retries: 3\n", "", 2)]
    public void The_healthcheck_test_is_one_command_line_at_the_line_of_test_else_of_the_healthcheck(string yaml, string command, int line)
    {
        Assert.That(ComposeService.Healthcheck(Service(yaml)), Is.EqualTo((command, line, false)));
    }

    [TestCase("healthcheck:\n  interval: 5s\n  test: [\"NONE\"]\n", 3)]
    [TestCase("healthcheck:\n  interval: 5s\n  test: [\"CMD\", \"curl\", \"http://x/health\"]\n  disable: true\n", 3)]
    [TestCase("healthcheck:\n  interval: 5s\n  disable: true\n", 2)]
    public void A_healthcheck_switched_off_has_no_command(string yaml, int line)
    {
        Assert.That(ComposeService.Healthcheck(Service(yaml)), Is.EqualTo(("", line, true)));
    }
    [Test]
    public void A_volume_or_port_entry_that_is_a_list_has_no_target()
    {
        var service = Service("volumes:\n  - [./data, /app/data]\nports:\n  - [8000, 8000]\n");

        Assert.That(ComposeService.Volumes(service), Is.EqualTo(new[] { new ComposeVolume(null, "", false, 2) }));
        Assert.That(ComposeService.ContainerPorts(service), Is.EqualTo(new[] { ("", 4) }));
    }
}
