using QtsOps.Core.Environments;

namespace QtsOps.Tests.Core;

/// <summary>
/// environments.json's "hosts" (issue 24, point 1): an environment of several Docker hosts, each read as a
/// whole environment (its own keys over the environment's, over "defaults"), each error at the line of its key.
/// </summary>
[Category("Core")]
public class FleetEnvironmentTests
{
    public const string FixtureFile = "tests/QtsOps.Tests/Core/Fixtures/fleet-environments.json";

    public static readonly EnvironmentsSample Sample = new(FixtureFile);

    public static string Fixture => Sample.Text;

    public static IReadOnlyDictionary<string, DeploymentEnvironment> Parse(string json) => EnvironmentsSample.Parse(json);

    private static SettingsFileException Refusal(string json) => EnvironmentsSample.Refusal(json);

    private static int LineOf(string json, string text) => EnvironmentsSample.LineOf(json, text);

    private static string With(string text, string replacement) => Sample.With(text, replacement);

    [Test]
    public void Each_host_is_a_whole_environment_with_its_own_keys_over_the_environments_and_the_defaults()
    {
        var sites = Parse(Fixture)["sites"];

        Assert.That(sites.Hosts.Select(h => (h.Name, string.Join(",", h.Labels), h.Environment.DockerHost)), Is.EqualTo(new[]
        {
            ("east", "eu,exchange-a", "ssh://qtsops@east"), ("west", "eu", "ssh://qtsops@west"), ("north", "", "unix:///run/lab/north/docker.sock"),
        }));
        var (east, west, north) = (sites.Hosts[0].Environment, sites.Hosts[1].Environment, sites.Hosts[2].Environment);
        // west's own port, health URL and deploy directory; the rest from the environment (memoryLimitMb) and defaults.
        Assert.That((west.Port, west.HealthUrl, west.DeployDirectory, west.DataDirectory, west.MemoryLimitMb, west.Name),
            Is.EqualTo((8100, "http://west:8100/health", "/srv/qts", "/opt/qts-observer/data", 768, "sites")));
        Assert.That((east.Port, east.DeployDirectory, east.CpuLimit, north.CpuLimit), Is.EqualTo((8000, "/opt/qts-observer", 1.0, 2.0)));
        // A host's record is the environment as it runs there: apart from its own keys, the same as its neighbour's.
        Assert.That(west with { DockerHost = east.DockerHost, Port = 8000, HealthUrl = east.HealthUrl, DeployDirectory = east.DeployDirectory }, Is.EqualTo(east));
        Assert.That(sites with { Hosts = [] }, Is.EqualTo(east), "the environment's own properties are its first host's");
        Assert.That(Parse(Fixture)["local"].Hosts, Is.Empty);
    }

    [TestCase("\"memoryLimitMb\": 768,", "\"memoryLimitMb\": 768,\n    \"dockerHost\": \"ssh://qtsops@sites\",", "\"dockerHost\": \"ssh://qtsops@sites\"",
        "$.sites.dockerHost: 'dockerHost' and 'hosts' exclude each other: the environment runs on the hosts it lists")]
    [TestCase("\"dockerHost\": \"ssh://qtsops@west\"", "\"dockerHost\": \"tcp://west:2375\"", "tcp://west:2375",
        "$.sites.hosts[1].dockerHost: must be an ssh:// or unix:// address (got \"tcp://west:2375\")")]
    [TestCase("{ \"name\": \"west\", \"dockerHost\": \"ssh://qtsops@west\",", "{ \"name\": \"west\",", "\"name\": \"west\"",
        "$.sites.hosts[1]: 'dockerHost' is missing: each host names its Docker engine")]
    [TestCase("{ \"name\": \"west\",", "{ \"name\": \"east\",", "\"name\": \"east\", \"dockerHost\": \"ssh://qtsops@west\"",
        "$.sites.hosts[1].name: 'east' names another host of 'sites' too")]
    [TestCase("{ \"name\": \"west\",", "{ \"name\": \"West\",", "\"West\"",
        "$.sites.hosts[1].name: \"West\" is not a valid host name (allowed: ^[a-z][a-z0-9-]*$)")]
    [TestCase("\"labels\": [\"eu\"],", "\"labels\": \"eu\",", "\"labels\": \"eu\"",
        "$.sites.hosts[1].labels: must be a list of labels (got \"eu\")")]
    [TestCase("\"port\": 8100,", "\"port\": 8100, \"network\": \"west-net\",", "west-net",
        "$.sites.hosts[1].network: 'network' cannot differ between hosts: a host sets only its name, engine, labels and where and how it runs the service")]
    [TestCase("\"port\": 8100,", "\"port\": 0,", "\"port\": 0",
        "$.sites.hosts[1].port: must be a whole number from 1 to 65535 (got 0)")]
    [TestCase("\"deployDirectory\": \"/srv/qts\"", "\"deployDirectory\": \"srv/qts\"", "srv/qts",
        "$.sites.hosts[1].deployDirectory: 'srv/qts' is relative, but the environment runs on ssh://qtsops@west: relative paths are relative to this repository, which that host does not have")]
    [TestCase("\"healthUrl\": \"http://west:8100/health\", ", "", "\"healthUrl\": \"http://sites.internal",
        "$.sites.healthUrl: 'http://sites.internal:8000/health' asks port 8000, but the service is published on \"port\": 8100: deploy and verify would judge whatever answers there")]
    [TestCase("{ \"name\": \"north\", \"dockerHost\": \"unix:///run/lab/north/docker.sock\", \"healthUrl\": \"http://10.77.0.4:8000/health\", \"cpuLimit\": 2.0 }", "\"north\"", "\"north\"",
        "$.sites.hosts[2]: must be an object (got \"north\")")]
    [TestCase("{ \"name\": \"west\", ", "{ ", "\"dockerHost\": \"ssh://qtsops@west\"",
        "$.sites.hosts[1]: 'name' is missing")]
    [TestCase("\"labels\": [\"eu\"],", "\"labels\": [\"eu\", \"EU\"],", "\"EU\"",
        "$.sites.hosts[1].labels: \"EU\" is not a valid label (allowed: ^[a-z][a-z0-9-]*$)")]
    [TestCase("{ \"name\": \"west\",", "{ \"name\": 5,", "\"name\": 5",
        "$.sites.hosts[1].name: 5 is not a valid host name (allowed: ^[a-z][a-z0-9-]*$)")]
    [TestCase("\"dockerHost\": \"ssh://qtsops@west\"", "\"dockerHost\": 5", "\"dockerHost\": 5",
        "$.sites.hosts[1].dockerHost: must be an ssh:// or unix:// address (got 5)")]
    [TestCase("\"dockerHost\": \"ssh://qtsops@west\"", "\"dockerHost\": \"ssh://\"", "\"dockerHost\": \"ssh://\"",
        "$.sites.hosts[1].dockerHost: must be an ssh:// or unix:// address (got \"ssh://\")")]
    public void A_wrong_host_key_is_refused_at_its_line_naming_the_host(string text, string replacement, string lineText, string message)
    {
        var json = With(text, replacement);

        var problem = Refusal(json).Problems.Single();

        Assert.That((problem.File, problem.Message), Is.EqualTo(("environments.json", message)));
        Assert.That(problem.Line, Is.EqualTo(LineOf(json, lineText)));
        Assert.That(problem.Fix, Is.Not.Empty);
    }

    [Test]
    public void Hosts_that_share_an_engine_are_refused()
    {
        var json = With("\"dockerHost\": \"ssh://qtsops@west\"", "\"dockerHost\": \"ssh://qtsops@east\"");

        var problem = Refusal(json).Problems.Single();

        Assert.That(problem.Message, Is.EqualTo("$.sites.hosts: hosts 'east', 'west' share the engine ssh://qtsops@east: their containers, network and project would be the same ones"));
        Assert.That(problem.Line, Is.EqualTo(LineOf(json, "\"hosts\": [")));
        Assert.That(problem.Fix, Is.EqualTo("give each host its own \"dockerHost\" (one entry per Docker engine)"));
    }

    // A host already refused is left out of the later checks across hosts.
    [Test]
    public void A_host_refused_for_its_own_key_is_not_also_said_to_share_an_engine()
    {
        var json = With("\"dockerHost\": \"ssh://qtsops@west\"", "\"dockerHost\": \"ssh://qtsops@east\"").Replace("\"port\": 8100,", "\"port\": 0,");

        Assert.That(Refusal(json).Problems.Select(p => p.Message), Is.EqualTo(new[] { "$.sites.hosts[1].port: must be a whole number from 1 to 65535 (got 0)" }));
    }

    [Test]
    public void A_key_a_host_may_not_set_is_refused_listing_the_keys_it_may_and_its_backups_may_be_its_own()
    {
        var problem = Refusal(With("\"port\": 8100,", "\"port\": 8100, \"network\": \"west-net\",")).Problems.Single();

        Assert.That(problem.Fix, Is.EqualTo("remove it from the host (keys a host may set: name, dockerHost, labels, deployDirectory, dataDirectory, logDirectory, configDirectory, backupDirectory, " +
            "bind, port, healthUrl, cpuLimit, memoryLimitMb, minFreeDiskMb, minMemoryMb, maxDiskUsedPercent)"));
        var west = Parse(With("\"deployDirectory\": \"/srv/qts\"", "\"deployDirectory\": \"/srv/qts\", \"backupDirectory\": \"/srv/backups\""))["sites"].Hosts[1];
        Assert.That(west.Environment.BackupDirectory, Is.EqualTo("/srv/backups"));
    }

    [Test]
    public void A_problem_of_the_environments_own_key_is_reported_once_not_once_per_host()
    {
        var problem = Refusal(With("\"memoryLimitMb\": 768,", "\"memoryLimitMb\": 1,")).Problems.Single();

        Assert.That(problem.Message, Is.EqualTo("$.sites.memoryLimitMb: must be a whole number from 6 to 10000000 (got 1)"));
    }

    [Test]
    public void A_swarm_environment_is_refused_hosts_saying_what_to_write_instead()
    {
        var json = With("\"memoryLimitMb\": 768,", "\"memoryLimitMb\": 768,\n    \"engine\": \"swarm\",");

        var problem = Refusal(json).Problems.Single();

        Assert.That(problem.Message, Is.EqualTo("$.sites.hosts: 'hosts' is for environments on compose: a swarm places its tasks on its nodes itself"));
        Assert.That(problem.Fix, Does.Contain("give the swarm's manager as \"dockerHost\""));
        Assert.That(problem.Line, Is.EqualTo(LineOf(json, "\"hosts\": [")));
    }

    [Test]
    public void Hosts_in_defaults_are_refused()
    {
        var json = With("\"defaults\": {", "\"defaults\": {\n    \"hosts\": [],");

        Assert.That(Refusal(json).Problems.Select(p => p.Message), Has.Some.StartWith("$.defaults.hosts: "));
    }

    [Test]
    public void An_empty_list_of_hosts_is_refused()
    {
        var start = Fixture.IndexOf("\"hosts\": [", StringComparison.Ordinal);
        var json = Fixture[..start] + "\"hosts\": []\n  }\n}\n";

        var problem = Refusal(json).Problems.Single();

        Assert.That(problem.Message, Is.EqualTo("$.sites.hosts: must be a list of at least one host (got [])"));
        Assert.That(problem.Fix, Is.EqualTo("write \"hosts\": [{\"name\": \"east\", \"dockerHost\": \"ssh://qtsops@east\", \"deployDirectory\": \"/srv/qts\"}]"));
    }
}
