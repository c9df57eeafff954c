using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using QtsOps.Build;
using QtsOps.Build.Deployment;
using QtsOps.Build.Images;
using QtsOps.Host;
using QtsOps.Core.Images;
using QtsOps.Tests.Host;

namespace QtsOps.Tests.Docker;

/// <summary>
/// A second Docker host that the pipeline reaches only through SSH. Privileged containers (and so
/// Docker-in-Docker) are refused here, so it is a container from the bootstrapped base with sshd and
/// the docker CLI that drives this machine's engine through its mounted socket. One host directory,
/// <see cref="DeployRoot"/>, is mounted at the same path inside, so that the engine and the host agree
/// on it while the rest of the container is its own: a pipeline-machine path that leaks into a remote
/// step is not there. The login key is made per instance, and the host key read back out of band.
/// sshd allows 64 sessions per connection (MaxSessions; 10 by default): a deploy's busiest moments run
/// more than 10 calls at once on the run's one connection (docs/OPERATIONS.md).
/// </summary>
public sealed class SshTestHost : IDisposable
{
    public const string User = "qtsops";
    public const string ImageRepository = "qtsops-test/ssh-host";

    private readonly TempDirectory _directory = new();

    /// <param name="engineSocket">The engine the host's docker CLI drives (this machine's by default); the container itself runs on this machine's.</param>
    public SshTestHost(string? engineSocket = null)
    {
        var image = EnsureImage();
        KeyFile = GenerateKey("id");
        Directory.CreateDirectory(DeployRoot);
        Command.Run("docker", "run", "--detach", "--name", Container, "--publish", "127.0.0.1::22",
            "--volume", $"{engineSocket ?? EngineSocket}:/var/run/docker.sock", "--volume", $"{DeployRoot}:{DeployRoot}",
            "--env", $"AUTHORIZED_KEY={File.ReadAllText(KeyFile + ".pub").Trim()}", "--env", $"DEPLOY_ROOT={DeployRoot}", image).EnsureSuccess("Starting the ssh test host");
        WaitForSshd();
        Port = int.Parse(Command.Run("docker", "port", Container, "22").EnsureSuccess("Reading the ssh test host's port").Output[0].Split(':')[^1]);
        var hostKey = Command.Run("docker", "exec", Container, "cat", "/etc/ssh/ssh_host_ed25519_key.pub").EnsureSuccess("Reading the ssh host key").Output[0].Split(' ');
        KnownHosts = $"[127.0.0.1]:{Port} {hostKey[0]} {hostKey[1]}";
    }

    public string Container { get; } = $"qtsops-test-ssh-{Guid.NewGuid().ToString("N")[..8]}";
    public int Port { get; }
    public string DockerHost => $"ssh://{User}@127.0.0.1:{Port}";

    /// <summary>The private key sshd accepts for <see cref="User"/> (its .pub beside it).</summary>
    public string KeyFile { get; }
    public string PrivateKey => File.ReadAllText(KeyFile);

    /// <summary>The known_hosts line that pins this host's ed25519 key.</summary>
    public string KnownHosts { get; }

    /// <summary>The one directory the host shares with this machine, at the same path on both.</summary>
    public string DeployRoot => _directory.Combine("deploy-root");

    /// <summary>The checked-in environments.json with 'staging' on this host, its directories under <see cref="DeployRoot"/>.</summary>
    public JsonNode EnvironmentsWithStagingHere()
    {
        var environments = JsonNode.Parse(File.ReadAllText(SourceRepository.Combine("environments.json")), documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip })!;
        var staging = environments["staging"]!;
        staging["dockerHost"] = DockerHost;
        foreach (var directory in new[] { "deployDirectory", "dataDirectory", "logDirectory", "configDirectory", "backupDirectory" })
            staging[directory] = Path.Combine(DeployRoot, directory);
        return environments;
    }

    /// <summary>A key pair sshd does not know, e.g. to stand in for another host's key.</summary>
    public string GenerateKey(string name)
    {
        var path = _directory.Combine(name);
        Command.Run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "qtsops-test", "-f", path).EnsureSuccess("ssh-keygen");
        return path;
    }

    /// <summary>sshd's log (-e: to the container's stderr): who logged in, what was refused.</summary>
    public string SshdLog()
    {
        var logs = Command.Run("docker", "logs", Container);
        return string.Join("\n", logs.Output) + logs.Error;
    }

    /// <summary>How many times sshd let the test user in: the ssh connections made to this host so far.</summary>
    public int Logins() => SshdLog().Split('\n').Count(line => line.Contains($"Accepted publickey for {User}"));

    /// <summary>How many of those connections have ended.</summary>
    public int Disconnections() => SshdLog().Split('\n').Count(line => line.Contains($"Disconnected from user {User}"));

    private void WaitForSshd()
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            if (SshdLog().Contains("Server listening")) return;
            Thread.Sleep(100);
        }
        Assert.Fail($"sshd did not start in {Container}: {SshdLog()}");
    }

    /// <summary>This machine's engine socket, which the host's docker CLI talks to unless it is given another.</summary>
    private static string EngineSocket =>
        Environment.GetEnvironmentVariable("DOCKER_HOST") is { } host && host.StartsWith("unix://") ? host["unix://".Length..] : "/var/run/docker.sock";

    private static string Dockerfile(string baseImage) => $"""
        FROM {baseImage}
        RUN apt-get update \
         && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends openssh-server docker.io \
         && rm -rf /var/lib/apt/lists/* /etc/ssh/ssh_host_* \
         && useradd --create-home --password '*' --shell /bin/sh {User} \
         && mkdir -p /run/sshd \
         && printf 'PasswordAuthentication no\nKbdInteractiveAuthentication no\nPermitRootLogin no\nUsePAM no\nAllowUsers {User}\nMaxSessions 64\n' > /etc/ssh/sshd_config.d/qtsops-test.conf
        COPY start.sh /start.sh
        CMD ["/bin/sh", "/start.sh"]
        """;

    // Host keys are made per container (the image has none); '*' above is a password that matches nothing but does not lock the account.
    private const string StartScript = $"""
        set -e
        ssh-keygen -q -A
        # The engine's socket keeps this machine's group id: the ssh user joins a group of that id.
        gid=$(stat -c %g /var/run/docker.sock)
        getent group "$gid" >/dev/null || groupadd --gid "$gid" docker-socket
        usermod -a -G "$(getent group "$gid" | cut -d: -f1)" {User}
        chown {User} "$DEPLOY_ROOT"
        install -d -m 700 -o {User} -g {User} /home/{User}/.ssh
        printf '%s\n' "$AUTHORIZED_KEY" > /home/{User}/.ssh/authorized_keys
        chown {User}:{User} /home/{User}/.ssh/authorized_keys
        exec /usr/sbin/sshd -D -e

        """;

    /// <summary>The host's image, named by a hash of its recipe: built once per engine (about 20 s), then reused.</summary>
    private static string EnsureImage()
    {
        var baseImage = PythonBaseImage(bootstrap: false);
        var dockerfile = Dockerfile(baseImage);
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(dockerfile + StartScript)))[..12];
        var image = $"{ImageRepository}:{hash}";
        if (Command.Run("docker", "image", "inspect", image).ExitCode == 0) return image;

        PythonBaseImage(bootstrap: true);
        using var context = new TempDirectory();
        context.Write("Dockerfile", dockerfile);
        context.Write("start.sh", StartScript);
        Command.Run("docker", "build", "--quiet", "--tag", image, context.Path).EnsureSuccess($"Building {image}");
        return image;
    }

    /// <summary>
    /// The name of the pipeline's own offline Python base image on this machine's engine; with
    /// <paramref name="bootstrap"/>, built first (as the image target builds it) when the engine has none.
    /// </summary>
    public static string PythonBaseImage(bool bootstrap = true)
    {
        var recipe = BaseImageRecipe.PythonBookworm(PipelineOptions.DebianMirror.Default!, PipelineOptions.DebianSecurityMirror.Default!);
        var baseImage = recipe.ImageName(DebianArchive.State(recipe));
        if (bootstrap && Command.Run("docker", "image", "inspect", baseImage).ExitCode != 0) BootstrapBaseImage(baseImage);
        return baseImage;
    }

    /// <summary>The pipeline's own offline base image, built as the image target builds it.</summary>
    private static void BootstrapBaseImage(string baseImage)
    {
        using var scratch = new ScratchRepository("environments.json");
        var run = InProcessPipeline.Run(scratch.Path, ["--target=bootstrap-base-image", $"--base-image={baseImage}", "--bootstrap-base"], typeof(BootstrapBaseImageTask));
        if (run.ExitCode != 0) Assert.Fail($"Bootstrapping {baseImage} failed: {run.Output}{run.Error}");
    }

    [TaskName("bootstrap-base-image")]
    private sealed class BootstrapBaseImageTask : FrostingTask<BuildContext>
    {
        public override void Run(BuildContext context) => new Wiring(context).BaseImages().Resolve();
    }

    public void Dispose()
    {
        Command.Run("docker", "rm", "--force", Container);
        _directory.Dispose();
    }
}
