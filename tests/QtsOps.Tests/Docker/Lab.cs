using System.Text.Json;

namespace QtsOps.Tests.Docker;

/// <summary>
/// A lab of Docker hosts on this machine, made and removed by build/lab.sh (docs/OPERATIONS.md, "A lab
/// of Docker hosts"): each node a network namespace with its own dockerd, hostname and /srv, the nodes on
/// one bridge; optionally a swarm and this machine's registry at the same 127.0.0.1:PORT on every node.
/// Made in a fixture's OneTimeSetUp and disposed in its OneTimeTearDown; a lab whose up fails is
/// removed before the constructor fails. Its name is unique, so labs of several runs never meet.
/// </summary>
public sealed class Lab : IDisposable
{
    public static string Script => SourceRepository.Combine("build", "lab.sh");

    /// <param name="nodes">How many nodes.</param>
    /// <param name="swarm">Whether the nodes form a swarm: the first the manager, the others workers.</param>
    /// <param name="registry">A registry on this machine's loopback (127.0.0.1:PORT) the nodes pull from.</param>
    /// <param name="ssh">Whether each node runs an sshd at its address, for root with the lab's key.</param>
    public Lab(int nodes, bool swarm = false, string? registry = null, bool ssh = false)
    {
        string[] options = ["--name", Name, "--nodes", nodes.ToString(), .. swarm ? new[] { "--swarm" } : [],
            .. registry is null ? [] : new[] { "--registry", registry }, .. ssh ? new[] { "--ssh" } : []];
        var up = Command.Run(Script, ["up", .. options]);
        if (up.ExitCode != 0)
        {
            Dispose();
            Assert.Fail($"build/lab.sh up {string.Join(' ', options)} failed (exit {up.ExitCode}): {up.Error}");
        }
        // A state the fixture cannot read still leaves no lab behind.
        try
        {
            // Its last line names the state file.
            StateFile = up.Output[^1]["state: ".Length..];
            using var state = JsonDocument.Parse(File.ReadAllText(StateFile));
            Bridge = state.RootElement.GetProperty("bridge").GetString()!;
            EnvironmentsFile = state.RootElement.GetProperty("environments").GetString();
            if (state.RootElement.GetProperty("ssh") is { ValueKind: JsonValueKind.Object } sshLogin)
            {
                SshKeyFile = sshLogin.GetProperty("key").GetString();
                SshKnownHosts = sshLogin.GetProperty("knownHosts").GetString();
            }
            Nodes = [.. state.RootElement.GetProperty("nodes").EnumerateArray().Select(node => new Node(
                node.GetProperty("name").GetString()!, node.GetProperty("namespace").GetString()!, node.GetProperty("dockerHost").GetString()!, node.GetProperty("address").GetString()!,
                node.GetProperty("srv").GetString()!, node.GetProperty("pid").GetInt32()))];
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public string Name { get; } = $"t{Guid.NewGuid().ToString("N")[..8]}";

    /// <summary>The lab's state (build/lab.sh writes it), in the lab's folder with the nodes' data roots and sockets.</summary>
    public string StateFile { get; } = "";

    public string Directory => Path.GetDirectoryName(StateFile)!;

    /// <summary>The bridge here that joins the nodes.</summary>
    public string Bridge { get; }

    /// <summary>With a swarm and a registry: the pipeline's environments file for the lab's 'cluster' environment.</summary>
    public string? EnvironmentsFile { get; }

    /// <summary>With ssh: the private key the nodes' sshd accept for root, and the known_hosts file that pins their host keys.</summary>
    public string? SshKeyFile { get; }
    public string? SshKnownHosts { get; }

    /// <summary>The nodes, the swarm's manager first.</summary>
    public IReadOnlyList<Node> Nodes { get; }

    public Node Manager => Nodes[0];

    /// <summary>A command on a node through its sshd (the lab made with ssh).</summary>
    public Command.Result Ssh(Node node, string command) =>
        Command.Run("ssh", "-i", SshKeyFile!, "-o", $"UserKnownHostsFile={SshKnownHosts}", "-o", "BatchMode=yes", $"root@{node.Address}", command);

    /// <summary>build/lab.sh status of this lab.</summary>
    public Command.Result Status() => Command.Run(Script, "status", "--name", Name);

    /// <summary>Removes the lab (build/lab.sh down); again is harmless.</summary>
    public void Dispose() => Command.Run(Script, "down", "--name", Name).EnsureSuccess($"build/lab.sh down --name {Name}");

    /// <param name="Name">The node's hostname, which is its name in a swarm.</param>
    /// <param name="Namespace">Its network namespace (ip netns; its dockerd's mount and hostname namespaces are that process's).</param>
    /// <param name="DockerHost">Its engine: unix://SOCKET.</param>
    /// <param name="Address">Its address on the lab's bridge, which this machine reaches.</param>
    /// <param name="Srv">The folder on this machine that is /srv on the node.</param>
    /// <param name="DaemonPid">Its dockerd's process id.</param>
    public sealed record Node(string Name, string Namespace, string DockerHost, string Address, string Srv, int DaemonPid)
    {
        /// <summary>The engine's unix socket (a path, no unix:// scheme).</summary>
        public string Socket => DockerHost["unix://".Length..];

        /// <summary>The docker CLI against this node's engine.</summary>
        public Command.Result Docker(params string[] args) => Command.Run("docker", ["-H", DockerHost, .. args]);

        /// <summary>The id of an image on this engine, or null when it has none of that name.</summary>
        public string? ImageId(string reference) =>
            Docker("image", "inspect", "--format", "{{.Id}}", reference) is { ExitCode: 0 } inspect ? inspect.Output[0] : null;
    }
}
