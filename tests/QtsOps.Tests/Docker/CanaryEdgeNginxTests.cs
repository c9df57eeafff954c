using QtsOps.Build;
using QtsOps.Build.Images;
using QtsOps.Core.Deployment;
using QtsOps.Core.Fleet;
using QtsOps.Core.Images;

namespace QtsOps.Tests.Docker;

/// <summary>The canary's edge configuration (issue 24, point 5) as the edge's own nginx reads it: `nginx -t` in the edge image.</summary>
[TestFixture, Category("Docker"), System.Runtime.Versioning.SupportedOSPlatform("linux"), Platform("Linux")]
public class CanaryEdgeNginxTests
{
    [TestCase(Slot.A, 10)]
    [TestCase(Slot.B, 99)]
    public void The_edges_nginx_accepts_the_canary_configuration(Slot stable, int percent)
    {
        var recipe = BaseImageRecipe.EdgeBookworm(PipelineOptions.DebianMirror.Default!, PipelineOptions.DebianSecurityMirror.Default!);
        var image = recipe.ImageName(DebianArchive.State(recipe));
        Command.Run("docker", "image", "inspect", image).EnsureSuccess($"Finding the edge image {image} (a deploy of local bootstraps it)");
        var layout = new SlotLayout("qts-canary-check", "qts-canary-check");
        var folder = Directory.CreateTempSubdirectory("qtsops-canary-edge-");
        try
        {
            Directory.CreateDirectory(Path.Combine(folder.FullName, SlotLayout.ConfigFolder));
            File.WriteAllText(Path.Combine(folder.FullName, SlotLayout.MainConfig), CanaryEdge.NginxConfig(layout, stable, percent));

            // The slots' names resolve as on the edge's network; nginx -t resolves every upstream server.
            var check = Command.Run("docker", "run", "--rm", "--network", "none",
                "--add-host", $"{layout.SlotContainer(Slot.A)}:127.0.0.1", "--add-host", $"{layout.SlotContainer(Slot.B)}:127.0.0.1",
                "-v", $"{folder.FullName}:{SlotLayout.ConfigMount}:ro", "--entrypoint", "nginx", image,
                "-e", "stderr", "-t", "-c", $"{SlotLayout.ConfigMount}/{SlotLayout.MainConfig}");

            Assert.That(check.ExitCode, Is.Zero, check.Error);
            Assert.That(check.Error, Does.Contain("test is successful"));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
