using QtsOps.Core.Validation.Observer;
using YamlDotNet.RepresentationModel;

namespace QtsOps.Tests.Core;

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
    // Only "${" opens a variable whose colons do not split; a "$" or "{" or "}" elsewhere is part of the path.
    [Test]
    public void A_short_volume_splits_at_every_colon_outside_a_braced_variable()
    {
        var volumes = ComposeService.Volumes(Service("""
            volumes:
              - $DATA:/app/data:ro
              - "{odd}:/app/odd"
              - ./a}b:/app/b
              - ${LOGS:-/srv/logs}:/app/logs
            """));

        Assert.That(volumes, Is.EqualTo(new[]
        {
            new ComposeVolume("$DATA", "/app/data", true, 2),
            new ComposeVolume("{odd}", "/app/odd", false, 3),
            new ComposeVolume("./a}b", "/app/b", false, 4),
            new ComposeVolume("${LOGS:-/srv/logs}", "/app/logs", false, 5),
        }));
    }

    [Test]
    public void A_volume_or_port_entry_that_is_a_list_has_no_target()
    {
        var service = Service("volumes:\n  - [./data, /app/data]\nports:\n  - [8000, 8000]\n");

        Assert.That(ComposeService.Volumes(service), Is.EqualTo(new[] { new ComposeVolume(null, "", false, 2) }));
        Assert.That(ComposeService.ContainerPorts(service), Is.EqualTo(new[] { ("", 4) }));
    }
}
