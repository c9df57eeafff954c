using System.Net;
using Cake.Core.Diagnostics;
using QtsOps.Build;
using QtsOps.Build.Images;
using QtsOps.Host;
using QtsOps.Core.Images;
using QtsOps.Tests.Host;

namespace QtsOps.Tests.Docker;

/// <summary>
/// The images the pipeline bootstraps with debootstrap (the edge's nginx, the Python base), made for real:
/// they carry Debian's security updates, their name follows the security suite, and a suite whose
/// signature is not Debian's is refused.
/// </summary>
[TestFixture, Category("Docker"), NonParallelizable]
public class BootstrappedImageTests
{
    private static readonly string Mirror = PipelineOptions.DebianMirror.Default!;
    private static readonly string SecurityMirror = PipelineOptions.DebianSecurityMirror.Default!;

    [Test]
    public void The_edge_image_has_every_package_at_the_security_suites_version_and_is_named_by_its_state()
    {
        using var scratch = new ScratchRepository("environments.json");
        var run = InProcessPipeline.Run(scratch.Path, ["--target=bootstrap-edge-image"], typeof(BootstrapEdgeImageTask));
        Assert.That(run.ExitCode, Is.Zero, run.Output + run.Error);

        var recipe = BaseImageRecipe.EdgeBookworm(Mirror, SecurityMirror);
        var image = recipe.ImageName(DebianArchive.State(recipe));
        Assert.That(run.Output, Does.Contain($"edge image: {image}"));
        var security = SecuritySuiteVersions();
        var installed = Command.Run("docker", "run", "--rm", "--entrypoint", "dpkg-query", image, "-W", "-f", "${Package} ${Version}\\n").EnsureSuccess("dpkg-query").Output
            .Select(line => line.Split(' ')).Where(parts => parts.Length == 2 && security.ContainsKey(parts[0])).ToList();
        Assert.That(installed.Select(parts => parts[0]), Does.Contain("nginx-light"), "nginx has updates in bookworm-security");
        // dpkg compares the versions, inside the image: any package older than bookworm-security's is named.
        var script = string.Concat(installed.Select(parts => $"dpkg --compare-versions '{parts[1]}' lt '{security[parts[0]]}' && echo '{parts[0]} {parts[1]} < {security[parts[0]]}'\n")) + "true\n";
        var older = Command.Run("docker", "run", "--rm", "--entrypoint", "sh", image, "-c", script).EnsureSuccess("dpkg --compare-versions").Output.Where(line => line.Length > 0);
        Assert.That(older, Is.Empty, "packages older than bookworm-security's");
        Assert.That(Command.Run("docker", "run", "--rm", "--entrypoint", "cat", image, "/etc/apt/sources.list").Output,
            Does.Contain($"deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] {SecurityMirror} bookworm-security main"));
    }

    [Test]
    public void A_suite_whose_release_file_is_not_signed_by_debian_is_refused()
    {
        using var mirror = new UnsignedMirror();
        var recipe = BaseImageRecipe.EdgeBookworm(Mirror, mirror.Url);

        var error = Assert.Throws<PipelineException>(() => DebianArchive.State(recipe))!;

        Assert.That(error.Message, Does.StartWith($"{mirror.Url}/dists/bookworm-security/InRelease is not signed by Debian's archive keyring"));
        Assert.That(mirror.Served, Is.EqualTo(1), "it was asked, and refused");
    }

    [Test]
    public void A_suite_read_ahead_in_the_background_says_why_it_failed_only_when_the_name_is_needed_and_is_read_again_then()
    {
        using var mirror = new UnsignedMirror();
        var recipe = BaseImageRecipe.EdgeBookworm(Mirror, mirror.Url);

        DebianArchive.ReadAhead(recipe);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (mirror.Served == 0 && clock.Elapsed < TimeSpan.FromSeconds(20)) Thread.Sleep(10);
        Assert.That(mirror.Served, Is.EqualTo(1), "the suite is read in the background, with no one waiting for it");

        var error = Assert.Throws<PipelineException>(() => DebianArchive.State(recipe))!;
        Assert.That(error.Message, Does.StartWith($"{mirror.Url}/dists/bookworm-security/InRelease is not signed by Debian's archive keyring"));
        var served = mirror.Served;
        Assert.Throws<PipelineException>(() => DebianArchive.State(recipe));
        Assert.That(mirror.Served, Is.EqualTo(served + 1), "a failed read is not kept: the next name asked reads the suite again");
    }

    /// <summary>bookworm-security's package versions now, from the archive (its Packages.xz, uncompressed by xz).</summary>
    private static Dictionary<string, string> SecuritySuiteVersions()
    {
        var index = Command.Run("sh", "-c", $"curl -fsS --max-time 60 {SecurityMirror}/dists/bookworm-security/main/binary-amd64/Packages.xz | xz -d").EnsureSuccess("reading bookworm-security's Packages");
        var versions = new Dictionary<string, string>();
        string? package = null;
        foreach (var line in index.Output)
        {
            if (line.StartsWith("Package: ", StringComparison.Ordinal)) package = line["Package: ".Length..];
            else if (line.StartsWith("Version: ", StringComparison.Ordinal) && package is not null) versions[package] = line["Version: ".Length..];
        }
        return versions;
    }

    /// <summary>A mirror serving a Release file as InRelease with no signature at all.</summary>
    private sealed class UnsignedMirror : IDisposable
    {
        private readonly HttpListener _listener = new();
        private readonly Task _serving;
        public int Served { get; private set; }
        public string Url { get; }

        public UnsignedMirror()
        {
            Url = $"http://127.0.0.1:{RegistryServer.FreePort()}/debian-security";
            _listener.Prefixes.Add(Url + "/");
            _listener.Start();
            _serving = Task.Run(async () =>
            {
                while (_listener.IsListening)
                {
                    HttpListenerContext context;
                    try { context = await _listener.GetContextAsync(); }
                    catch (Exception exception) when (exception is HttpListenerException or ObjectDisposedException) { return; }
                    Served++;
                    var body = $"Origin: Debian\nCodename: bookworm-security\nSHA256:\n {new string('0', 64)} 1 main/binary-amd64/Packages.xz\n";
                    context.Response.OutputStream.Write(System.Text.Encoding.UTF8.GetBytes(body));
                    context.Response.Close();
                }
            });
        }

        public void Dispose()
        {
            _listener.Stop();
            _listener.Close();
            _serving.Wait(TimeSpan.FromSeconds(5));
        }
    }

    [TaskName("bootstrap-edge-image")]
    internal sealed class BootstrapEdgeImageTask : FrostingTask<BuildContext>
    {
        public override void Run(BuildContext context) => context.Log.Information($"edge image: {new Wiring(context).BaseImages().Edge().Name}");
    }
}
