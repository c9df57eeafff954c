using QtsOps.Core.Testing;
using System.Text.Json;

namespace QtsOps.Tests.Docker;

/// <summary>
/// What `build/lab.sh up --swarm --registry 127.0.0.1:PORT` gives a new user in one command (issue 23's "done when"):
/// a registry it starts itself when nothing answers at that address, reached here and from the nodes, and an
/// environments file whose 'cluster' environment the pipeline's own validate accepts; down stops the registry and
/// leaves nothing behind. One lab of three nodes for the fixture, removed last (and in the teardown, whatever failed).
/// </summary>
[TestFixture, Category("Docker"), Category(TestShards.LabCategory), NonParallelizable, System.Runtime.Versioning.SupportedOSPlatform("linux"), Platform("Linux")]
public class LabEnvironmentTests
{
    private int _registryPort;
    private Lab _lab = null!;
    private string _image = "";

    private string Registry => $"127.0.0.1:{_registryPort}";

    [OneTimeSetUp]
    public void StartLabWithARegistryNobodyServes()
    {
        _registryPort = RegistryServer.FreePort();
        _lab = new Lab(nodes: 3, swarm: true, registry: Registry);
        // Under the lab's own repository name: down removes such tags from this machine's engine.
        _image = $"{Registry}/qtsops-lab-{_lab.Name}/probe:1";
    }

    [OneTimeTearDown]
    public void RemoveLab()
    {
        _lab?.Dispose();
        if (_image != "") Command.Run("docker", "image", "rm", _image);
    }

    private static Command.Result Get(string url) => Command.Run("curl", "-fsS", "--max-time", "5", url);

    [Test, Order(1)]
    public void The_lab_s_registry_answers_here_and_takes_an_image_a_node_pulls()
    {
        Assert.That(Get($"http://{Registry}/v2/").ExitCode, Is.Zero, "the registry answers on this machine without a login");
        var node = _lab.Nodes[1];
        var fromNode = Command.Run("nsenter", $"--net=/var/run/netns/{node.Namespace}", "curl", "-fsS", "--max-time", "5", $"http://{Registry}/v2/");
        Assert.That(fromNode.ExitCode, Is.Zero, $"the registry answers at {Registry} inside {node.Name}: {fromNode.Error}");

        Command.Run("docker", "tag", SshTestHost.PythonBaseImage(), _image).EnsureSuccess($"Tagging {_image}");
        Command.Run("docker", "push", "--quiet", _image).EnsureSuccess($"Pushing {_image}");
        node.Docker("pull", "--quiet", _image).EnsureSuccess($"Pulling {_image} on {node.Name}");

        Assert.That(node.ImageId(_image), Is.Not.Null, $"{node.Name} holds the image it pulled from the lab's registry");
        Assert.That(File.ReadAllText(_lab.StateFile), Does.Contain("\"registryStarted\": true"));
    }

    [Test, Order(2)]
    public void The_environments_file_names_the_swarm_its_registry_and_two_replicas()
    {
        Assert.That(_lab.EnvironmentsFile, Is.EqualTo(Path.Combine(_lab.Directory, "environments.json")));
        using var file = JsonDocument.Parse(File.ReadAllText(_lab.EnvironmentsFile!));
        var defaults = file.RootElement.GetProperty("defaults");
        var cluster = file.RootElement.GetProperty("cluster");

        Assert.That(cluster.GetProperty("engine").GetString(), Is.EqualTo("swarm"));
        Assert.That(cluster.GetProperty("dockerHost").GetString(), Is.EqualTo(_lab.Manager.DockerHost));
        Assert.That(cluster.GetProperty("healthUrl").GetString(), Is.EqualTo($"http://{_lab.Manager.Address}:8000/health"));
        Assert.That(cluster.GetProperty("replicas").GetInt32(), Is.EqualTo(2), "three nodes leave one free for a start-first replacement");
        Assert.That(defaults.GetProperty("registry").GetString(), Is.EqualTo(Registry));
        Assert.That(defaults.GetProperty("imageRepository").GetString(), Is.EqualTo($"qtsops-lab-{_lab.Name}/qts-observer"));
    }

    [Test, Order(3)]
    public void The_pipeline_s_validate_accepts_the_environments_file()
    {
        using var repo = new ObserverRepository(Registry);

        var run = repo.Run("--target=validate", "--env=cluster", $"--environments={_lab.EnvironmentsFile}");

        Assert.That(run.ExitCode, Is.Zero, run.Output + run.Error);
        Assert.That(run.Output, Does.Contain("validate: 0 error(s)"));
    }

    [Test, Order(4)]
    public void Status_shows_the_environments_file_and_the_lab_s_registry()
    {
        var status = _lab.Status();

        Assert.That(status.ExitCode, Is.Zero, status.Error);
        Assert.That(status.Output, Has.One.EqualTo($"environments: {_lab.EnvironmentsFile} (./build.sh --env=cluster --environments={_lab.EnvironmentsFile})"));
        Assert.That(status.Output, Has.One.Match($"^registry: the lab's, pid [0-9]+, at {Registry}$"));
    }

    [Test, Order(5)]
    public void Down_stops_the_registry_removes_the_lab_s_image_tags_and_leaves_nothing_behind()
    {
        Assert.That(Command.Run("docker", "image", "inspect", _image).ExitCode, Is.Zero, "the pushed tag is on this machine's engine before down");

        LabTests.DisposeLeavingNothing(_lab);

        Assert.That(Get($"http://{Registry}/v2/").ExitCode, Is.Not.Zero, "nothing answers at the lab's registry address");
        Assert.That(Command.Run("docker", "image", "inspect", _image).ExitCode, Is.Not.Zero, "the tag under the lab's repository is gone");
    }
}
