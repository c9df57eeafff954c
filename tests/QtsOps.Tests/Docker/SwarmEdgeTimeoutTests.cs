using System.Net;
using QtsOps.Build;
using QtsOps.Build.Images;
using QtsOps.Core.Deployment;
using QtsOps.Core.Images;
using QtsOps.Core.Swarm;

namespace QtsOps.Tests.Docker;

/// <summary>
/// The swarm edge's nginx (issue 23, point 6) in front of two tasks under the name Swarm's DNS gives them, one of
/// which takes requests and never answers: what a task is to the edges of the other nodes when its node stops passing
/// the overlay's traffic just after a request went out. On an engine's own network its DNS (127.0.0.11, as on an
/// overlay) names both containers by one alias, so this runs without a swarm.
/// </summary>
[TestFixture, Category("Docker"), System.Runtime.Versioning.SupportedOSPlatform("linux"), Platform("Linux")]
public class SwarmEdgeTimeoutTests
{
    private const string Stack = "qts-edge-timeout";
    private const string AnswersHealth = """
        import http.server
        class Health(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                self.send_response(200); self.send_header("Content-Length", "2"); self.end_headers(); self.wfile.write(b"ok")
        http.server.HTTPServer(("", 8000), Health).serve_forever()
        """;
    private const string TakesRequestsAndNeverAnswers = """
        import socket, time
        listener = socket.socket(); listener.bind(("", 8000)); listener.listen(64)
        time.sleep(3600)
        """;

    private readonly string _suffix = Guid.NewGuid().ToString("N")[..8];
    private readonly List<string> _containers = [];
    private string Network => $"{Stack}-{_suffix}";

    [TearDown]
    public void RemoveContainersAndNetwork()
    {
        foreach (var container in _containers) Command.Run("docker", "rm", "--force", container);
        Command.Run("docker", "network", "rm", Network);
    }

    [Test]
    public void A_request_a_task_takes_and_never_answers_is_answered_by_the_other_task_within_a_client_s_two_seconds()
    {
        var observerImage = BootstrappedImage(BaseImageRecipe.PythonBookworm(PipelineOptions.DebianMirror.Default!, PipelineOptions.DebianSecurityMirror.Default!));
        var edgeImage = BootstrappedImage(BaseImageRecipe.EdgeBookworm(PipelineOptions.DebianMirror.Default!, PipelineOptions.DebianSecurityMirror.Default!));
        Command.Run("docker", "network", "create", Network).EnsureSuccess($"Creating the network {Network}");
        Task("answering", observerImage, "python3", "-c", AnswersHealth);
        Task("silent", observerImage, "python3", "-c", TakesRequestsAndNeverAnswers);
        using var config = new TempDirectory();
        var nginxConf = config.Write("nginx.conf", SwarmStack.EdgeNginxConfig(Stack));
        var port = RegistryServer.FreePort();
        var edge = Run($"{Stack}-edge-{_suffix}", "--network", Network, "-p", $"127.0.0.1:{port}:{SlotLayout.ServicePort}",
            "-v", $"{nginxConf}:{SlotLayout.ConfigMount}/nginx.conf:ro", "--entrypoint", "nginx", edgeImage, "-e", "stderr", "-g", "daemon off;", "-c", $"{SlotLayout.ConfigMount}/nginx.conf");
        var url = $"http://127.0.0.1:{port}/health";
        using (var patient = new HttpClient { Timeout = TimeSpan.FromSeconds(5) })
            WaitFor(() => Answer(patient, url) == "200", "the edge and the answering task up");

        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var answers = Enumerable.Range(0, 10).Select(_ => Answer(client, url)).ToList();

        Assert.That(answers, Is.All.EqualTo("200"), Command.Run("docker", "logs", edge).Error);
        Assert.That(Command.Run("docker", "logs", edge).Error, Does.Contain("upstream timed out"),
            "the edge sent requests to the silent task too (its DNS answer holds both), and passed them on");
    }

    private static void WaitFor(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) Assert.Fail($"waited 30 s for {what}");
            Thread.Sleep(200);
        }
    }

    private static string BootstrappedImage(BaseImageRecipe recipe)
    {
        var image = recipe.ImageName(DebianArchive.State(recipe));
        Command.Run("docker", "image", "inspect", image).EnsureSuccess($"Finding {image} (a deploy of local bootstraps it)");
        return image;
    }

    /// <summary>A task of the observer's service as an edge finds it: on the network, under the service's name.</summary>
    private void Task(string name, string image, params string[] command) =>
        Run($"{Stack}-{name}-{_suffix}", ["--network", Network, "--network-alias", SwarmStack.ServiceName(Stack), image, .. command]);

    private string Run(string name, params string[] args)
    {
        _containers.Add(name);
        Command.Run("docker", ["run", "--detach", "--name", name, .. args]).EnsureSuccess($"Starting {name}");
        return name;
    }

    private static string Answer(HttpClient client, string url)
    {
        try
        {
            return ((int)client.GetAsync(url).GetAwaiter().GetResult().StatusCode).ToString();
        }
        catch (Exception failure) when (failure is HttpRequestException or TaskCanceledException)
        {
            return failure.GetType().Name;
        }
    }
}
