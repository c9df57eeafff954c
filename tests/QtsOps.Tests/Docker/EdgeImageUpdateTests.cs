namespace QtsOps.Tests.Docker;

/// <summary>
/// A running edge follows its image: when the edge's image was rebuilt (Debian published updates, so it
/// has a new name) the next switch recreates the edge on it instead of reloading the old nginx for ever.
/// </summary>
[TestFixture, Category("Docker"), NonParallelizable]
public class EdgeImageUpdateTests
{
    private RegistryServer _registry = null!;
    private ObserverRepository _repo = null!;
    private string Stale => $"{_repo.ImageRepository}-edge:stale";
    private string EdgeName => $"{_repo.Container}-edge";

    [OneTimeSetUp]
    public void StartRegistryAndScratchRepository()
    {
        _registry = new RegistryServer("qtsops", Guid.NewGuid().ToString("N"));
        _repo = new ObserverRepository(_registry.Address);
        _repo.UseStrategy("start-first");
    }

    [OneTimeTearDown]
    public void RemoveContainersImagesAndFolders()
    {
        _repo?.RemoveFromEngine();
        ObserverRepository.Docker("image", "rm", "--force", Stale);
        _repo?.Dispose();
        _registry?.Dispose();
    }

    [Test]
    public void An_edge_running_an_image_other_than_the_edge_image_is_recreated_on_it_at_the_next_switch()
    {
        var first = _repo.Run("--target=deploy");
        Assert.That(first.ExitCode, Is.Zero, first.Output + first.Error);
        var current = Inspect(EdgeName, "{{.Image}}");
        // The edge as an earlier run left it: the same files, another image (an edge image built before Debian's last updates).
        ObserverRepository.Docker("commit", EdgeName, Stale).EnsureSuccess("docker commit");
        var stale = ObserverRepository.Docker("image", "inspect", "-f", "{{.Id}}", Stale).Output.Single();
        Assert.That(stale, Is.Not.EqualTo(current));
        Command.Run("env", [.. EdgeVariables(Stale), "docker-compose", "-p", Inspect(EdgeName, "{{index .Config.Labels \"com.docker.compose.project\"}}"),
            "-f", Path.Combine(_repo.Root, "src", "edge", "docker-compose.yml"), "up", "-d"]).EnsureSuccess("starting the edge on the stale image");
        Assert.That(Inspect(EdgeName, "{{.Image}}"), Is.EqualTo(stale));

        _repo.Commit("a version to switch to");
        var run = _repo.Run("--target=deploy");

        Assert.That(run.ExitCode, Is.Zero, run.Output + run.Error);
        Assert.That(run.Output, Does.Contain($"Started the edge {EdgeName}").And.Contain($"on its updated image qtsops/edge:bookworm-").And.Contain($"(it ran {stale[7..19]}"));
        Assert.That(Inspect(EdgeName, "{{.Image}}"), Is.EqualTo(current), "the edge runs the edge image again");
        Assert.That(DeploymentPipelineTests.Get(_repo.HealthUrl).Status, Is.EqualTo(200));
    }

    /// <summary>The edge's compose variables as the pipeline set them (read from the running edge), with another image.</summary>
    private string[] EdgeVariables(string image)
    {
        var labels = (Environment: Inspect(EdgeName, "{{index .Config.Labels \"io.qtsops.environment\"}}"), Deployment: Inspect(EdgeName, "{{index .Config.Labels \"io.qtsops.deployment\"}}"));
        var config = Inspect(EdgeName, "{{range .Mounts}}{{if eq .Destination \"/etc/qtsops-edge\"}}{{.Source}}{{end}}{{end}}");
        return [$"QTS_EDGE_IMAGE={image}", $"QTS_EDGE_CONTAINER={EdgeName}", $"QTS_EDGE_CONFIG={config}", $"QTS_OBSERVER_NETWORK={_repo.Network}",
            "QTS_OBSERVER_BIND=127.0.0.1", $"QTS_OBSERVER_PORT={_repo.Port}", $"QTS_OBSERVER_LABEL_ENVIRONMENT={labels.Environment}", $"QTS_OBSERVER_LABEL_DEPLOYMENT={labels.Deployment}"];
    }

    private static string Inspect(string container, string format) => string.Join("\n", ObserverRepository.Docker("inspect", "-f", format, container).Output).Trim();
}
