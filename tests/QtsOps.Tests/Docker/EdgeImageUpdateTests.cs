namespace QtsOps.Tests.Docker;

/// <summary>
/// A running edge follows its image: when the edge's image was rebuilt (Debian published updates, so it
/// has a new name) the next switch recreates the edge on it instead of reloading the old nginx for ever.
/// </summary>
[TestFixture, Category("Docker"), NonParallelizable]
public class EdgeImageUpdateTests
{
    private StartFirstCheckout _checkout = null!;
    private ObserverRepository Repo => _checkout.Repo;
    private string Stale => $"{Repo.ImageRepository}-edge:stale";
    private string EdgeName => $"{Repo.Container}-edge";

    [OneTimeSetUp]
    public void StartScratchCheckout() => _checkout = new StartFirstCheckout();

    [OneTimeTearDown]
    public void RemoveContainersImagesAndFolders()
    {
        if (_checkout is null) return;
        ObserverRepository.Docker("image", "rm", "--force", Stale);
        _checkout.Dispose();
    }

    [Test]
    public void An_edge_running_an_image_other_than_the_edge_image_is_recreated_on_it_at_the_next_switch()
    {
        var first = Repo.Run("--target=deploy");
        Assert.That(first.ExitCode, Is.Zero, first.Output + first.Error);
        var current = Inspect(EdgeName, "{{.Image}}");
        // The edge as an earlier run left it: the same files, another image (an edge image built before Debian's last updates).
        ObserverRepository.Docker("commit", EdgeName, Stale).EnsureSuccess("docker commit");
        var stale = ObserverRepository.Docker("image", "inspect", "-f", "{{.Id}}", Stale).Output.Single();
        Assert.That(stale, Is.Not.EqualTo(current));
        Command.Run("env", [.. EdgeVariables(Stale), "docker-compose", "-p", Inspect(EdgeName, "{{index .Config.Labels \"com.docker.compose.project\"}}"),
            "-f", Path.Combine(Repo.Root, "src", "edge", "docker-compose.yml"), "up", "-d"]).EnsureSuccess("starting the edge on the stale image");
        Assert.That(Inspect(EdgeName, "{{.Image}}"), Is.EqualTo(stale));

        Repo.Commit("a version to switch to");
        var run = Repo.Run("--target=deploy");

        Assert.That(run.ExitCode, Is.Zero, run.Output + run.Error);
        Assert.That(run.Output, Does.Contain($"Started the edge {EdgeName}").And.Contain($"on its updated image qtsops/edge:bookworm-").And.Contain($"(it ran {stale[7..19]}"));
        Assert.That(Inspect(EdgeName, "{{.Image}}"), Is.EqualTo(current), "the edge runs the edge image again");
        Assert.That(DeploymentPipelineTests.Get(Repo.HealthUrl).Status, Is.EqualTo(200));
    }

    /// <summary>The edge's compose variables as the pipeline set them (read from the running edge), with another image.</summary>
    private string[] EdgeVariables(string image)
    {
        var labels = (Environment: Inspect(EdgeName, "{{index .Config.Labels \"io.qtsops.environment\"}}"), Deployment: Inspect(EdgeName, "{{index .Config.Labels \"io.qtsops.deployment\"}}"));
        var config = Inspect(EdgeName, "{{range .Mounts}}{{if eq .Destination \"/etc/qtsops-edge\"}}{{.Source}}{{end}}{{end}}");
        return [$"QTS_EDGE_IMAGE={image}", $"QTS_EDGE_CONTAINER={EdgeName}", $"QTS_EDGE_CONFIG={config}", $"QTS_OBSERVER_NETWORK={Repo.Network}",
            "QTS_OBSERVER_BIND=127.0.0.1", $"QTS_OBSERVER_PORT={Repo.Port}", $"QTS_OBSERVER_LABEL_ENVIRONMENT={labels.Environment}", $"QTS_OBSERVER_LABEL_DEPLOYMENT={labels.Deployment}"];
    }

    private static string Inspect(string container, string format) => string.Join("\n", ObserverRepository.Docker("inspect", "-f", format, container).Output).Trim();
}
