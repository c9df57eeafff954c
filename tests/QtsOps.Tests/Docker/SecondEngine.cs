namespace QtsOps.Tests.Docker;

/// <summary>
/// A second Docker engine on this machine, with its own images: a dockerd in its own network namespace
/// (nsenter, not `ip netns exec`, which remounts /sys and dockerd fails there), with its own data root,
/// exec root, socket and pidfile under a short folder (a unix socket path has at most 107 bytes). It
/// never runs in this machine's own namespace: its network setup would change the main engine's docker0.
/// It has no network of its own: the tests only reach its socket.
/// </summary>
public sealed class SecondEngine : IDisposable
{
    private readonly string _namespace = $"qtsops-{Guid.NewGuid().ToString("N")[..8]}";
    private readonly string _directory;
    private readonly System.Diagnostics.Process _dockerd;

    public SecondEngine()
    {
        _directory = Path.Combine("/tmp", _namespace);
        Directory.CreateDirectory(_directory);
        Command.Run("ip", "netns", "add", _namespace).EnsureSuccess($"Adding the network namespace {_namespace}");
        _dockerd = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("nsenter",
        [
            $"--net=/var/run/netns/{_namespace}", "dockerd", $"--data-root={_directory}/data", $"--exec-root={_directory}/exec",
            $"-H=unix://{Socket}", $"--pidfile={_directory}/docker.pid", "--iptables=false",
        ]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        _dockerd.OutputDataReceived += (_, _) => { };
        _dockerd.ErrorDataReceived += (_, _) => { };
        _dockerd.BeginOutputReadLine();
        _dockerd.BeginErrorReadLine();
        for (var attempt = 0; attempt < 150; attempt++)
        {
            if (Docker("info").ExitCode == 0) return;
            if (_dockerd.HasExited) break;
            Thread.Sleep(200);
        }
        Dispose();
        Assert.Fail($"The second dockerd did not answer on {Socket}");
    }

    /// <summary>The engine's unix socket (a path, no unix:// scheme).</summary>
    public string Socket => Path.Combine(_directory, "docker.sock");

    /// <summary>The docker CLI against this engine.</summary>
    public Command.Result Docker(params string[] args) => Command.Run("docker", ["-H", $"unix://{Socket}", .. args]);

    /// <summary>The id of an image on this engine, or null when it has none of that name.</summary>
    public string? ImageId(string reference) =>
        Docker("image", "inspect", "--format", "{{.Id}}", reference) is { ExitCode: 0 } inspect ? inspect.Output[0] : null;

    /// <summary>Puts an image of this machine's engine on this one (docker save | docker load).</summary>
    public void Load(string reference)
    {
        using var folder = new TempDirectory();
        var archive = folder.Combine("image.tar");
        Command.Run("docker", "save", "--output", archive, reference).EnsureSuccess($"Saving {reference}");
        Docker("load", "--input", archive).EnsureSuccess($"Loading {reference} on the second engine");
    }

    public void Dispose()
    {
        // dockerd's own pid (nsenter execs it, so it is the child's): stopped with SIGTERM, then waited for.
        if (!_dockerd.HasExited)
        {
            Command.Run("kill", _dockerd.Id.ToString());
            if (!_dockerd.WaitForExit(TimeSpan.FromSeconds(30))) _dockerd.Kill();
            _dockerd.WaitForExit();
        }
        Command.Run("ip", "netns", "delete", _namespace);
        Directory.Delete(_directory, recursive: true);
    }
}
