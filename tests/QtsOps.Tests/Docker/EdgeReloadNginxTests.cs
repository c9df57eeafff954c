using QtsOps.Build;
using QtsOps.Build.Images;
using QtsOps.Core.Deployment;
using QtsOps.Core.Images;

namespace QtsOps.Tests.Docker;

/// <summary><see cref="EdgeReload"/>'s one command in the edge image, as the compose file runs it (www-data, read-only root, /tmp a tmpfs).</summary>
[TestFixture, Category("Docker"), System.Runtime.Versioning.SupportedOSPlatform("linux"), Platform("Linux")]
public class EdgeReloadNginxTests
{
    private static readonly SlotLayout Layout = new("qts-reload-check", "qts-reload-check");

    [Test]
    public void The_reload_returns_once_the_previous_workers_are_gone_and_says_when_nginx_refuses_the_configuration()
    {
        var recipe = BaseImageRecipe.EdgeBookworm(PipelineOptions.DebianMirror.Default!, PipelineOptions.DebianSecurityMirror.Default!);
        var image = recipe.ImageName(DebianArchive.State(recipe));
        Command.Run("docker", "image", "inspect", image).EnsureSuccess($"Finding the edge image {image} (a deploy of local bootstraps it)");
        var folder = Directory.CreateTempSubdirectory("qtsops-edge-reload-");
        try
        {
            var conf = Directory.CreateDirectory(Path.Combine(folder.FullName, SlotLayout.ConfigFolder));
            foreach (var (name, text) in Layout.ConfigFiles) File.WriteAllText(Path.Combine(conf.FullName, name), text);
            File.CreateSymbolicLink(Path.Combine(folder.FullName, SlotLayout.ActiveLink), SlotLayout.SlotConfig(Slot.A));
            // www-data reads them, as the pipeline's edge folder lets it.
            var readable = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
            var listable = readable | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
            File.SetUnixFileMode(folder.FullName, listable);
            File.SetUnixFileMode(conf.FullName, listable);
            foreach (var file in conf.GetFiles()) File.SetUnixFileMode(file.FullName, readable);
            Command.Run("docker", "run", "--detach", "--name", Layout.EdgeContainer, "--user", "33:33", "--read-only", "--tmpfs", "/tmp", "--network", "none",
                "--add-host", $"{Layout.SlotContainer(Slot.A)}:127.0.0.1", "--add-host", $"{Layout.SlotContainer(Slot.B)}:127.0.0.1",
                "-v", $"{folder.FullName}:{SlotLayout.ConfigMount}:ro", image).EnsureSuccess("Starting the edge");
            var before = WorkersOnceStarted();

            var reload = Command.Run("docker", ["exec", Layout.EdgeContainer, .. EdgeReload.Command(SlotLayout.DrainWait)]);

            Assert.That(EdgeReload.Outcome(reload.ExitCode, reload.Output), Is.EqualTo(EdgeReloadOutcome.Drained), string.Join("\n", reload.Output) + reload.Error);
            Assert.That(Workers().Intersect(before), Is.Empty, "none of the workers from before the reload is left when it returns");

            File.WriteAllText(Path.Combine(conf.FullName, "nginx.conf"), "events {}\nhttp { no_such_directive on; }\n");
            var refused = Command.Run("docker", ["exec", Layout.EdgeContainer, .. EdgeReload.Command(SlotLayout.DrainWait)]);

            Assert.That(EdgeReload.Outcome(refused.ExitCode, refused.Output), Is.EqualTo(EdgeReloadOutcome.Refused), string.Join("\n", refused.Output) + refused.Error);
            Assert.That(refused.Error, Does.Contain("no_such_directive"), "nginx's own words, for the pipeline's error");
        }
        finally
        {
            Command.Run("docker", "rm", "--force", Layout.EdgeContainer);
            folder.Delete(recursive: true);
        }
    }

    /// <summary>nginx's workers once it has started them (it takes a moment after docker run returns).</summary>
    private static IReadOnlyList<string> WorkersOnceStarted()
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            if (Workers() is { Count: > 0 } workers) return workers;
            Thread.Sleep(100);
        }
        Assert.Fail($"{Layout.EdgeContainer} started no nginx worker: {Command.Run("docker", "logs", Layout.EdgeContainer).Error}");
        return [];
    }

    /// <summary>The pids of the edge's worker processes, as the engine sees them.</summary>
    private static IReadOnlyList<string> Workers() =>
        [.. Command.Run("docker", "top", Layout.EdgeContainer, "-o", "pid,args").Output.Where(line => line.Contains("worker process")).Select(line => line.Trim().Split(' ')[0])];
}
