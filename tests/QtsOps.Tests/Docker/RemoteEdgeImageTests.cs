using QtsOps.Core.Testing;
using System.Text.Json;
using Cake.Core.Diagnostics;
using QtsOps.Build;
using QtsOps.Build.Images;
using QtsOps.Host;
using QtsOps.Core.Images;
using QtsOps.Tests.Host;

namespace QtsOps.Tests.Docker;

/// <summary>
/// The edge image on an ssh:// host whose engine is not this machine's (a one-node <see cref="Lab"/>): the
/// host's image of the edge's name is used only when its id is the one made here, else it is copied again.
/// The tests run in order, the second from the image the first copied.
/// </summary>
[TestFixture, Category("Docker"), Category(TestShards.LabCategory), NonParallelizable, System.Runtime.Versioning.SupportedOSPlatform("linux"), Platform("Linux")]
public class RemoteEdgeImageTests
{
    private const string EnvironmentsFile = "ssh-environments.json";
    private Lab _lab = null!;
    private Lab.Node _engine = null!;
    private SshTestHost _host = null!;
    private ScratchRepository _repository = null!;
    private string _edgeImage = "";

    [OneTimeSetUp]
    public void StartEngineHostAndScratchRepository()
    {
        var recipe = BaseImageRecipe.EdgeBookworm(PipelineOptions.DebianMirror.Default!, PipelineOptions.DebianSecurityMirror.Default!);
        _edgeImage = recipe.ImageName(DebianArchive.State(recipe));
        _lab = new Lab(nodes: 1);
        _engine = _lab.Nodes[0];
        _host = new SshTestHost(_engine.Socket);
        _repository = new ScratchRepository();
        _repository.Write(EnvironmentsFile, _host.EnvironmentsWithStagingHere().ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }

    [OneTimeTearDown]
    public void StopEverything()
    {
        _host?.Dispose();
        _lab?.Dispose();
        _repository?.Dispose();
    }

    private HostRun DeliverEdgeImage()
    {
        using var variables = new EnvironmentVariableScope().Set("QTSOPS_SSH_KEY_FILE", _host.KeyFile).Set("QTSOPS_SSH_KNOWN_HOSTS", _host.KnownHosts);
        return InProcessPipeline.Run(_repository.Path, ["--target=deliver-edge-image", "--env=staging", $"--environments={EnvironmentsFile}"], typeof(DeliverEdgeImageTask));
    }

    private string MadeHere => Command.Run("docker", "image", "inspect", "--format", "{{.Id}}", _edgeImage).EnsureSuccess($"Reading {_edgeImage}").Output[0];

    [Test, Order(1)]
    public void The_hosts_image_of_the_edges_name_with_another_id_is_replaced_by_the_one_made_here()
    {
        // Another image under the edge's name on the host's engine: an empty one, made there.
        _engine.Docker("image", "import", "--message", "not the edge", "/dev/null", _edgeImage).EnsureSuccess("Making another image of the edge's name");
        var other = _engine.ImageId(_edgeImage);

        var run = DeliverEdgeImage();

        Assert.That(run.ExitCode, Is.Zero, run.Output + run.Error);
        Assert.That(other, Is.Not.Null.And.Not.EqualTo(MadeHere), "the host had an image of that name with another id");
        Assert.That(run.Output, Does.Contain($"Copied {_edgeImage} ({MadeHere[7..19]}").And.Contain($"127.0.0.1:{_host.Port} (docker save | docker load)"));
        Assert.That(_engine.ImageId(_edgeImage), Is.EqualTo(MadeHere), "the host runs the edge image made here");
    }

    [Test, Order(2)]
    public void The_hosts_image_with_the_id_made_here_is_used_without_copying()
    {
        Assert.That(_engine.ImageId(_edgeImage), Is.EqualTo(MadeHere), "the first test left the image made here on the host");

        var run = DeliverEdgeImage();

        Assert.That(run.ExitCode, Is.Zero, run.Output + run.Error);
        Assert.That(run.Output, Does.Contain($"edge image on the host: {_edgeImage}").And.Not.Contain("Copied"));
        Assert.That(_engine.ImageId(_edgeImage), Is.EqualTo(MadeHere));
    }

    [TaskName("deliver-edge-image")]
    private sealed class DeliverEdgeImageTask : FrostingTask<BuildContext>
    {
        public override void Run(BuildContext context) => context.Log.Information($"edge image on the host: {new Wiring(context).EdgeImage().Name}");
    }
}
